using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssetForge.Tests.Features.Errors;
using AssetForge.Tests.Features.Pipelines;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The HTTP details a user of a serious API expects (issue 11, item 6).</summary>
public sealed class HttpDetailsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Get(string url, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }

    [Fact]
    public async Task If_None_Match_with_a_current_ETag_is_a_304_without_a_body()
    {
        var user = await factory.SignInAsync();
        var pipeline = await PipelineKit.CreateAsync(user);
        var url = $"/api/pipelines/{pipeline.Id}";

        var notModified = await user.Client.SendAsync(Get(url, "If-None-Match", $"\"0\", {pipeline.ETag}"));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(pipeline.ETag, notModified.Headers.ETag?.ToString());
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.NotModified, (await user.Client.SendAsync(Get(url, "If-None-Match", "*"))).StatusCode);
        var changed = await user.Client.SendAsync(Get(url, "If-None-Match", "\"0\""));
        await changed.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task If_None_Match_never_hides_a_404()
    {
        var user = await factory.SignInAsync();
        var response = await user.Client.SendAsync(Get($"/api/pipelines/{Guid.NewGuid()}", "If-None-Match", "*"));
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task If_Match_with_a_list_of_tags_applies_when_any_is_current()
    {
        var user = await factory.SignInAsync();
        var pipeline = await PipelineKit.CreateProcessingAsync(user);
        var url = $"/api/pipelines/{pipeline.Id}/progress";

        var applied = await user.PatchAsync(url, """{"progress":10}""", ifMatch: $"\"1\", W/{pipeline.ETag}, {pipeline.ETag}");
        await applied.AssertStatusAsync(HttpStatusCode.OK);
        var current = applied.Headers.ETag!.ToString();

        await (await user.PatchAsync(url, """{"progress":20}""", ifMatch: $"\"1\", {pipeline.ETag}"))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await user.PatchAsync(url, """{"progress":20}""", ifMatch: $"W/{current}")) // If-Match compares strongly
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await user.PatchAsync(url, """{"progress":30}""", ifMatch: "\"1\", *")).AssertStatusAsync(HttpStatusCode.OK);
        var deleted = await user.SendAsync(HttpMethod.Delete, $"/api/pipelines/{pipeline.Id}", ifMatch: $"\"1\", {pipeline.ETag}");
        await deleted.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Every_answer_says_nosniff()
    {
        var user = await factory.SignInAsync();
        var pipeline = await PipelineKit.CreateAsync(user);
        var anonymous = factory.CreateClient();
        HttpResponseMessage[] answers =
        [
            await user.Client.GetAsync($"/api/pipelines/{pipeline.Id}"),
            await user.Client.SendAsync(Get($"/api/pipelines/{pipeline.Id}", "If-None-Match", pipeline.ETag)),
            await user.Client.GetAsync($"/api/pipelines/{Guid.NewGuid()}"),
            await user.Client.GetAsync("/api/pipelines/not-a-uuid"),
            await anonymous.GetAsync("/api/me"),
            await anonymous.GetAsync("/health/live"),
            await anonymous.GetAsync("/openapi/v1.json"),
            await anonymous.GetAsync("/scalar"),
            await anonymous.GetAsync("/no/such/route"),
        ];
        foreach (var answer in answers)
            Assert.True(answer.Headers.TryGetValues("X-Content-Type-Options", out var values) && values.Single() == "nosniff",
                $"{answer.RequestMessage!.RequestUri} ({(int)answer.StatusCode}) has no X-Content-Type-Options: nosniff");
    }

    [Fact]
    public async Task Authenticated_JSON_answers_are_never_stored_by_caches()
    {
        var user = await factory.SignInAsync();
        var pipeline = await PipelineKit.CreateAsync(user);
        HttpResponseMessage[] answers =
        [
            await user.Client.GetAsync($"/api/pipelines/{pipeline.Id}"),
            await user.Client.GetAsync("/api/pipelines"),
            await user.Client.GetAsync("/api/me"),
            await user.Client.SendAsync(Get($"/api/pipelines/{pipeline.Id}", "If-None-Match", pipeline.ETag)),
            await user.Client.GetAsync($"/api/pipelines/{Guid.NewGuid()}"),
        ];
        foreach (var answer in answers)
            Assert.True(answer.Headers.CacheControl?.NoStore == true,
                $"{answer.RequestMessage!.RequestUri} ({(int)answer.StatusCode}) lacks Cache-Control: no-store");
        // Public, anonymous answers stay cacheable.
        Assert.NotEqual(true, (await factory.CreateClient().GetAsync("/openapi/v1.json")).Headers.CacheControl?.NoStore);
    }

    private static readonly Regex AnyTimestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}");
    private static readonly Regex ContractTimestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$");

    private static IEnumerable<(string Path, string Value)> Timestamps(JsonElement element, string path = "$") => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Timestamps(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Timestamps(e, $"{path}[{i}]")),
        JsonValueKind.String when AnyTimestamp.IsMatch(element.GetString()!) => [(path, element.GetString()!)],
        _ => [],
    };

    [Fact]
    public async Task Every_timestamp_has_six_fraction_digits_even_on_a_whole_second()
    {
        var user = await factory.SignInAsync();
        var admin = await factory.SignInAsync(admin: true);
        var second = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var id = await PipelineKit.InsertAsync(factory.Db, user.Id, status: "completed", createdAt: second, startedAt: second,
            completedAt: second.AddSeconds(1), expiresAt: second.AddDays(1));
        await factory.Db.ExecuteAsync("""
            INSERT INTO pipeline_stages (id, pipeline_id, stage_name, stage_order, status, started_at, completed_at)
            VALUES (gen_random_uuid(), $1, 'mesh', 0, 'completed', $2, $2)
            """, id, second.UtcDateTime);
        var errorId = await ErrorRows.InsertAsync(factory.Db, second, endpoint: "/api/timestamps");
        await factory.Db.ExecuteAsync("""
            INSERT INTO error_aggregations (hour_bucket, endpoint, severity, category, total_errors, unique_users)
            VALUES (date_trunc('hour', now()) - interval '1 hour', '/api/timestamps', 'error', 'unknown', 1, 0)
            """);

        var bodies = new List<(string Source, JsonElement Body)>();
        async Task Read(HttpClient client, string url) =>
            bodies.Add((url, await (await client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK)));
        await Read(user.Client, $"/api/pipelines/{id}");
        await Read(user.Client, "/api/pipelines");
        await Read(admin.Client, $"/api/errors/{errorId}");
        await Read(admin.Client, "/api/errors?endpoint=/api/timestamps");
        await Read(admin.Client, "/api/errors/aggregations?endpoint=/api/timestamps");
        await using (var single = await EventStream.OpenAsync(user.Client, $"/api/pipelines/{id}/events"))
            bodies.Add(("pipeline snapshot event", (await single.NextEventAsync())!.Json));
        await using (var list = await EventStream.OpenAsync(user.Client, "/api/pipelines/events"))
            bodies.Add(("list snapshot event", (await list.NextEventAsync())!.Json));

        var found = bodies.SelectMany(b => Timestamps(b.Body).Select(t => (b.Source, t.Path, t.Value))).ToList();
        Assert.True(found.Count >= 20, $"only {found.Count} timestamps found");
        Assert.All(found, t => Assert.True(ContractTimestamp.IsMatch(t.Value), $"{t.Source} {t.Path} = {t.Value}"));
        Assert.Contains(found, t => t.Value == "2026-03-04T05:06:07.000000Z");
    }
}

/// <summary>With CORS origins configured, answers vary by Origin (a shared cache must not mix them up).</summary>
public sealed class CorsVaryTests(CorsVaryTests.Factory factory) : IClassFixture<CorsVaryTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Cors:AllowedOrigins:0", "https://studio.example.com")];
    }

    [Theory]
    [InlineData("https://studio.example.com")]
    [InlineData("https://elsewhere.example.com")]
    [InlineData(null)]
    public async Task Answers_say_Vary_Origin(string? origin)
    {
        var user = await factory.SignInAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (origin is not null) request.Headers.Add("Origin", origin);
        var response = await user.Client.SendAsync(request);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        if (origin == "https://studio.example.com")
            Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", response.Headers.Vary);
    }
}

/// <summary>Over a real Kestrel server: the Server header is what the in-memory test server never adds.</summary>
public sealed class ServerHeaderTests : IClassFixture<ServerHeaderTests.Factory>
{
    private readonly Factory _factory;

    public ServerHeaderTests(Factory factory) => _factory = factory;

    public sealed class Factory : ApiFactory
    {
        public Factory() => this.UseKestrel(0);

        protected override bool ValidatesContract => false; // the validator reads the document through the in-memory server

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Management:Urls", "")];
    }

    [Fact]
    public async Task Kestrel_sends_no_Server_header()
    {
        _factory.StartServer();
        var client = _factory.CreateClient();
        var response = await client.GetAsync("/health/live");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(response.Headers.Server);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
