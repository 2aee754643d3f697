using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Features.Errors;

public sealed class ReportErrorTests(ReportErrorTests.Factory factory) : IClassFixture<ReportErrorTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        public const string Proxy = "10.0.0.7";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("ForwardedHeaders:KnownProxies:0", Proxy),
            new("RateLimiting:Anonymous:PermitLimit", "1000"),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, PeerAddressFilter>());
        }
    }

    private static HttpRequestMessage Report(string json, string peer = "203.0.113.10")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/errors") { Content = Http.Json(json) };
        request.Headers.Add(PeerAddressFilter.Header, peer);
        return request;
    }

    private static async Task<(Guid Id, JsonElement Body)> ReportAsync(HttpClient client, string json, string peer = "203.0.113.10")
    {
        var response = await client.SendAsync(Report(json, peer));
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/errors/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        return (id, body);
    }

    [Fact]
    public async Task Signed_in_report_is_stored_with_the_callers_user_id_ip_and_user_agent()
    {
        var user = await factory.SignInAsync();
        var request = Report("""
            {"endpoint":"/api/pipelines","method":"post","message":"Pipeline creation failed","errorCode":"E_PIPE",
             "stack":"Error: boom\n    at create (app.js:10:5)","severity":"critical","category":"external_api","statusCode":502,
             "externalService":"meshy","externalErrorCode":"RATE","externalErrorMessage":"slow down","requestId":"req-1",
             "tags":["frontend","beta"],"context":{"pipelineId":"p-1"}}
            """, peer: "198.51.100.23");
        request.Headers.UserAgent.ParseAdd("StudioApp/2.1");
        var response = await user.Client.SendAsync(request);
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);

        Assert.Equal(user.Id, body.GetProperty("userId").GetGuid());
        Assert.Equal("POST", body.GetProperty("method").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.Equal("external_api", body.GetProperty("category").GetString());
        Assert.Equal(["frontend", "beta"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("198.51.100.23", body.GetProperty("ipAddress").GetString());
        Assert.False(body.GetProperty("resolved").GetBoolean());

        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(user.Id, await factory.Db.ScalarAsync<Guid>("SELECT user_id FROM api_errors WHERE id = $1", id));
        Assert.Equal("198.51.100.23|StudioApp/2.1|502|meshy|critical|external_api|Pipeline creation failed|[\"frontend\", \"beta\"]",
            await factory.Db.ScalarAsync<string>("""
                SELECT concat_ws('|', ip_address, user_agent, status_code, external_service, severity, category, error_message, tags::text)
                FROM api_errors WHERE id = $1
                """, id));
    }

    [Fact]
    public async Task Anonymous_report_is_stored_without_a_user_and_with_defaults()
    {
        var anonymous = factory.CreateClient();
        var (id, body) = await ReportAsync(anonymous, """{"endpoint":"/checkout","method":"GET","message":"Script error"}""");

        Assert.Equal(JsonValueKind.Null, body.GetProperty("userId").ValueKind);
        Assert.Equal("error", body.GetProperty("severity").GetString());
        Assert.Equal("unknown", body.GetProperty("category").GetString());
        Assert.Equal(0, body.GetProperty("tags").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("context").ValueKind);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM api_errors WHERE id = $1 AND user_id IS NULL AND context = '{}' AND tags = '[]'", id));
    }

    [Fact]
    public async Task An_invalid_token_is_a_401_and_stores_nothing_though_no_token_is_needed()
    {
        // A caller that sends a token means to be someone: an expired one is not quietly downgraded to anonymous.
        var endpoint = $"/expired-{Guid.NewGuid():N}";
        var client = factory.ClientWith(Tokens.Expired(Tokens.NewSubject()));
        var response = await client.SendAsync(Report($$"""{"endpoint":"{{endpoint}}","method":"GET","message":"token expired"}"""));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1", endpoint));
    }

    [Fact]
    public async Task Forwarded_for_from_loopback_is_not_believed_unless_configured()
    {
        var forged = Report("""{"endpoint":"/x","method":"GET","message":"local forger"}""", peer: "127.0.0.1");
        forged.Headers.Add("X-Forwarded-For", "192.0.2.77");
        var body = await (await factory.CreateClient().SendAsync(forged)).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("127.0.0.1", body.GetProperty("ipAddress").GetString());
    }

    [Fact]
    public async Task Secrets_in_headers_bodies_context_and_text_are_redacted_before_storage()
    {
        var anonymous = factory.CreateClient();
        var (id, body) = await ReportAsync(anonymous, """
            {"endpoint":"/api/login?user=ann&access_token=tok123&page=2","method":"POST",
             "message":"Login failed for Authorization: Bearer abc.def.ghi with password=hunter2",
             "stack":"at login (connection Host=db;Password=s3cr3t;Username=app)",
             "externalErrorMessage":"upstream said apiKey: K-999",
             "requestHeaders":{"Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig","Cookie":"sid=1","Set-Cookie":"sid=2",
                               "X-Api-Key":"k-1","Content-Type":"application/json"},
             "requestBody":{"user":"ann","password":"hunter2","nested":{"apiKey":"k-2","items":[{"clientSecret":"cs","ok":1}]},
                            "refresh_token":"rt","note":"Basic dXNlcjpwYXNz"},
             "responseBody":{"sessionToken":"st","status":"denied"},
             "context":{"Secret":"x","accessToken":null,"count":3}}
            """);

        var stored = await factory.Db.ScalarAsync<string>("""
            SELECT concat_ws(' ', endpoint, error_message, error_stack, external_error_message, request_headers::text,
                             request_body::text, response_body::text, context::text)
            FROM api_errors WHERE id = $1
            """, id);
        foreach (var secret in new[] { "tok123", "abc.def.ghi", "hunter2", "s3cr3t", "K-999", "eyJhbGciOiJIUzI1NiJ9", "sid=1", "sid=2",
                                       "k-1", "k-2", "\"cs\"", "\"rt\"", "dXNlcjpwYXNz", "\"st\"", "\"x\"" })
            Assert.DoesNotContain(secret, stored);
        Assert.DoesNotContain("tok123", body.ToString());

        // What is not secret survives, and masked fields keep their names.
        Assert.Equal("/api/login?user=ann&access_token=[REDACTED]&page=2",
            await factory.Db.ScalarAsync<string>("SELECT endpoint FROM api_errors WHERE id = $1", id));
        Assert.Equal("""{"ok": 1, "clientSecret": "[REDACTED]"}""",
            await factory.Db.ScalarAsync<string>("SELECT (request_body #> '{nested,items,0}')::text FROM api_errors WHERE id = $1", id));
        Assert.Equal("application/json|[REDACTED]|[REDACTED]|[REDACTED]|[REDACTED]|ann|denied|3|null",
            await factory.Db.ScalarAsync<string>("""
                SELECT concat_ws('|', request_headers->>'Content-Type', request_headers->>'Authorization', request_headers->>'Cookie',
                                 request_headers->>'Set-Cookie', request_headers->>'X-Api-Key', request_body->>'user',
                                 response_body->>'status', context->>'count', context->'accessToken')
                FROM api_errors WHERE id = $1
                """, id));
    }

    [Fact]
    public async Task Forwarded_for_is_believed_only_from_a_configured_proxy()
    {
        var anonymous = factory.CreateClient();

        var forged = Report("""{"endpoint":"/x","method":"GET","message":"forged"}""", peer: "203.0.113.99");
        forged.Headers.Add("X-Forwarded-For", "192.0.2.1");
        var forgedBody = await (await anonymous.SendAsync(forged)).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("203.0.113.99", forgedBody.GetProperty("ipAddress").GetString());

        var proxied = Report("""{"endpoint":"/x","method":"GET","message":"proxied"}""", peer: Factory.Proxy);
        proxied.Headers.Add("X-Forwarded-For", "192.0.2.55");
        var proxiedBody = await (await anonymous.SendAsync(proxied)).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("192.0.2.55", proxiedBody.GetProperty("ipAddress").GetString());

        Assert.Equal(["192.0.2.55", "203.0.113.99"], await factory.Db.ColumnAsync<string>(
            "SELECT ip_address FROM api_errors WHERE id = ANY($1) ORDER BY ip_address",
            (object)new[] { forgedBody.GetProperty("id").GetGuid(), proxiedBody.GetProperty("id").GetGuid() }));
    }

    [Theory]
    [InlineData("""{"method":"GET","message":"m"}""", "endpoint")]
    [InlineData("""{"endpoint":"","method":"GET","message":"m"}""", "endpoint")]
    [InlineData("""{"endpoint":"/x","method":"FETCH","message":"m"}""", "method")]
    [InlineData("""{"endpoint":"/x","message":"m"}""", "method")]
    [InlineData("""{"endpoint":"/x","method":"GET"}""", "message")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":""}""", "message")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","severity":"fatal"}""", "severity")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","category":"disk"}""", "category")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","statusCode":42}""", "statusCode")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","statusCode":"500"}""", "statusCode")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","requestHeaders":["a"]}""", "requestHeaders")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","context":"text"}""", "context")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","tags":["a",""]}""", "tags[1]")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","tags":"a"}""", "tags")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"nul \u0000 inside"}""", "message")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"lone \ud800 surrogate"}""", "message")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","context":{"k":"nul \u0000"}}""", "context.k")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","userId":"00000000-0000-0000-0000-000000000001"}""", "userId")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","ipAddress":"1.2.3.4"}""", "ipAddress")]
    [InlineData("""{"endpoint":"/x","method":"GET","message":"m","userAgent":"me"}""", "userAgent")]
    public async Task Invalid_reports_are_400_problems_naming_the_field_and_store_nothing(string json, string field)
    {
        var marker = $"/invalid-{Guid.NewGuid():N}";
        json = json.Replace("\"/x\"", $"\"{marker}\"");
        var problem = await (await factory.CreateClient().SendAsync(Report(json))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1", marker));
    }

    [Theory]
    [InlineData("endpoint", 513)]
    [InlineData("message", 10_001)]
    [InlineData("stack", 64 * 1024 + 1)]
    [InlineData("errorCode", 101)]
    [InlineData("requestId", 256)]
    [InlineData("externalService", 101)]
    public async Task Oversized_fields_are_400_problems(string field, int length)
    {
        var fields = new Dictionary<string, object> { ["endpoint"] = "/x", ["method"] = "GET", ["message"] = "m" };
        fields[field] = new string('a', length);
        var json = JsonSerializer.Serialize(fields);
        var problem = await (await factory.CreateClient().SendAsync(Report(json))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Json_fields_over_16_KB_are_400_problems()
    {
        var big = new string('a', 17 * 1024);
        var problem = await (await factory.CreateClient().SendAsync(Report(
            $$$"""{"endpoint":"/x","method":"GET","message":"m","requestBody":{"blob":"{{{big}}}"}}"""))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("requestBody", out _), problem.ToString());
    }

    [Fact]
    public async Task Endpoint_of_512_characters_stays_storable_after_redaction()
    {
        // Masking can lengthen text ("token=1" becomes "token=[REDACTED]"): the stored endpoint is cut back to 512.
        var endpoint = "/a?token=1&" + new string('b', 512 - 11);
        var (id, _) = await ReportAsync(factory.CreateClient(), JsonSerializer.Serialize(new { endpoint, method = "GET", message = "m" }));
        var stored = await factory.Db.ScalarAsync<string>("SELECT endpoint FROM api_errors WHERE id = $1", id);
        Assert.Equal(512, stored.Length);
        Assert.StartsWith("/a?token=[REDACTED]&", stored);
    }
}
