using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Contract;

/// <summary>
/// Values PostgreSQL or .NET cannot take are 400s naming the field, wherever they appear and at any depth, and
/// change nothing; date arithmetic on caller input is checked before it can leave the calendar; problems are
/// problem+json whatever Accept says. Each case was a 500 (or a non-problem answer) before the shared rule.
/// </summary>
public sealed class UnstorableInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Surrogate = "\\udc00", Reversed = "\\udc00\\ud800", Nul = "\\u0000";

    private sealed record Rows(Guid Asset, Guid VariantAsset, Guid Variant, Guid Pipeline, Guid Stage);

    private async Task<(TestUser User, Rows Rows)> ArrangeAsync()
    {
        var user = await factory.SignInAsync(admin: true);
        async Task<System.Text.Json.JsonElement> Create(string url, string json) =>
            await (await user.Client.PostAsync(url, Http.Json(json))).AssertStatusAsync(HttpStatusCode.Created);
        var asset = (await Create("/api/assets", """{"name":"Base","type":"model","isBaseModel":true}""")).GetProperty("id").GetGuid();
        var variantAsset = (await Create("/api/assets", """{"name":"Variant","type":"model"}""")).GetProperty("id").GetGuid();
        var variant = (await Create($"/api/assets/{asset}/variants", $$"""{"variantAssetId":"{{variantAsset}}","presetId":"p","presetName":"P"}""")).GetProperty("id").GetGuid();
        var pipeline = await Create("/api/pipelines", """{"config":{},"stages":[{"name":"mesh"}]}""");
        return (user, new Rows(asset, variantAsset, variant, pipeline.GetProperty("id").GetGuid(), pipeline.GetProperty("stages")[0].GetProperty("id").GetGuid()));
    }

    // Every free-form JSON field of every write, and a string field per slice, with the value at depth.
    public static TheoryData<string, string, string, string> Bodies(string bad) => WithValue(bad, new()
    {
        { "POST", "/api/assets", """{"name":"A","type":"model","metadata":{"deep":{"list":["ok","BAD"]}}}""", "metadata.deep.list[1]" },
        { "POST", "/api/assets", """{"name":"ABAD","type":"model"}""", "name" },
        { "POST", "/api/assets/{asset}/variants", """{"variantAssetId":"{variantAsset}","presetId":"q","presetName":"Q","metadata":{"a":"BAD"}}""", "metadata.a" },
        { "PATCH", "/api/variants/{variant}", """{"metadata":{"a":{"b":"BAD"}}}""", "metadata.a.b" },
        { "PATCH", "/api/variants/{variant}", """{"stylePrompt":"BAD"}""", "stylePrompt" },
        { "POST", "/api/pipelines", """{"config":{"a":"BAD"},"stages":[{"name":"mesh"}]}""", "config.a" },
        { "POST", "/api/pipelines", """{"config":{},"stages":[{"name":"mesh"},{"name":"rigBAD"}]}""", "stages[1].name" },
        { "PATCH", "/api/pipelines/{pipeline}/status", """{"status":"processing","results":{"r":["BAD"]}}""", "results.r[0]" },
        { "PATCH", "/api/pipelines/{pipeline}/status", """{"status":"failed","errorDetails":{"why":"BAD"}}""", "errorDetails.why" },
        { "PATCH", "/api/pipelines/{pipeline}/stages/{stage}", """{"result":["BAD"]}""", "result[0]" },
        { "PATCH", "/api/pipelines/{pipeline}/stages/{stage}", """{"errorDetails":{"x":{"y":"BAD"}}}""", "errorDetails.x.y" },
        { "POST", "/api/errors", """{"endpoint":"/x","method":"GET","message":"m","context":{"k":"BAD"}}""", "context.k" },
        { "POST", "/api/errors", """{"endpoint":"/x","method":"GET","message":"m","requestBody":[{"k":"BAD"}]}""", "requestBody[0].k" },
    });

    private static TheoryData<string, string, string, string> WithValue(string bad, TheoryData<string, string, string, string> cases)
    {
        var filled = new TheoryData<string, string, string, string>();
        foreach (var row in cases) filled.Add((string)row[0], (string)row[1], ((string)row[2]).Replace("BAD", bad), (string)row[3]);
        return filled;
    }

    public static TheoryData<string, string, string, string> Surrogates => Bodies(Surrogate);

    public static TheoryData<string, string, string, string> ReversedPairs => Bodies(Reversed);

    public static TheoryData<string, string, string, string> Nuls => Bodies(Nul);

    [Theory]
    [MemberData(nameof(Surrogates))]
    [MemberData(nameof(ReversedPairs))]
    [MemberData(nameof(Nuls))]
    public async Task Unstorable_text_anywhere_in_a_body_is_a_400_naming_its_path_and_changes_nothing(string method, string url, string body, string field)
    {
        var (user, rows) = await ArrangeAsync();
        var before = await Digest();
        var response = await user.SendAsync(new HttpMethod(method), Fill(url, rows), Fill(body, rows));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await Digest());
    }

    [Theory]
    [InlineData("""{"a":{"\udc00":1}}""", "config.a")]          // a property name: reported at its object
    [InlineData("""{"a":1e400}""", "config.a")]                   // beyond a double, and a JavaScript client
    [InlineData("""{"a":[1,1e-20000]}""", "config.a[1]")]         // more decimals than jsonb's numeric keeps
    public async Task Unstorable_names_and_numbers_in_free_form_json_are_400s(string config, string field)
    {
        var (user, _) = await ArrangeAsync();
        var before = await Digest();
        var response = await user.Client.PostAsync("/api/pipelines", Http.Json($$"""{"config":{{config}},"stages":[{"name":"mesh"}]}"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await Digest());
    }

    [Theory]
    [InlineData("/api/errors?endpoint=a%00b", "endpoint")]
    [InlineData("/api/variants?presetId=%00", "presetId")]
    [InlineData("/api/errors/aggregations?externalService=x%00", "externalService")]
    [InlineData("/api/pipelines/by-meshy-task/a%2500b?x=%00", "x")]
    public async Task A_nul_in_a_query_value_is_a_400_naming_the_parameter(string url, string field)
    {
        var (user, _) = await ArrangeAsync();
        var problem = await (await user.Client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/errors/stats?to=0001-01-01T01:00:00Z")]          // to - 24 h leaves the calendar
    [InlineData("/api/errors/aggregations?to=0001-01-03T00:00:00Z")]   // to - 7 days leaves the calendar
    public async Task A_default_period_that_would_start_before_year_1_is_a_400_naming_to(string url)
    {
        var (user, _) = await ArrangeAsync();
        var problem = await (await user.Client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _), problem.ToString());
    }

    [Fact]
    public async Task A_period_in_year_1_given_with_a_negative_offset_is_computed_in_utc()
    {
        var (user, _) = await ArrangeAsync();
        // 20:00-05:00 is 01:00 UTC the next day: 24 h before it is still in the calendar, though the clock time is not.
        var stats = await (await user.Client.GetAsync("/api/errors/stats?to=0001-01-01T20:00:00-05:00")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("0001-01-01T01:00:00.000000Z", stats.GetProperty("from").GetString());
    }

    [Theory]
    [InlineData("9999-12-31T22:30:00Z", "9999-12-31T23:30:00Z")]
    [InlineData("9999-12-31T23:00:00Z", "9999-12-31T23:59:59.9999999Z")]
    public async Task A_rebuild_reaching_into_the_calendars_last_hour_is_a_400_naming_to(string from, string to)
    {
        var (user, _) = await ArrangeAsync();
        var before = await Digest();
        var response = await user.Client.PostAsync("/api/errors/aggregations/rebuild", Http.Json($$"""{"from":"{{from}}","to":"{{to}}"}"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _), problem.ToString());
        Assert.Equal(before, await Digest());
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/html")]
    [InlineData("text/plain, image/png")]
    public async Task Problems_are_problem_json_whatever_accept_says(string accept)
    {
        var (user, _) = await ArrangeAsync();
        async Task Check(HttpClient client, HttpMethod method, string url, HttpStatusCode status, string? json = null)
        {
            var request = new HttpRequestMessage(method, url) { Content = json is null ? null : Http.Json(json) };
            request.Headers.TryAddWithoutValidation("Accept", accept);
            await (await client.SendAsync(request)).AssertProblemAsync(status);
        }
        await Check(factory.CreateClient(), HttpMethod.Get, "/api/pipelines", HttpStatusCode.Unauthorized);
        await Check(user.Client, HttpMethod.Get, "/api/no-such-route", HttpStatusCode.NotFound);
        await Check(user.Client, HttpMethod.Get, $"/api/pipelines/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        await Check(user.Client, HttpMethod.Get, "/api/pipelines/not-a-uuid", HttpStatusCode.BadRequest);
        await Check(user.Client, HttpMethod.Post, "/api/pipelines", HttpStatusCode.BadRequest, "{");
        await Check(user.Client, HttpMethod.Post, "/api/pipelines", HttpStatusCode.BadRequest, """{"config":{},"stages":[]}""");
        await Check(user.Client, HttpMethod.Delete, "/health/live", HttpStatusCode.MethodNotAllowed);
    }

    private static string Fill(string template, Rows rows) => template
        .Replace("{asset}", rows.Asset.ToString()).Replace("{variantAsset}", rows.VariantAsset.ToString())
        .Replace("{variant}", rows.Variant.ToString()).Replace("{pipeline}", rows.Pipeline.ToString()).Replace("{stage}", rows.Stage.ToString());

    /// <summary>Every row of the tables these requests write, as one digest.</summary>
    private Task<string> Digest() => factory.Db.ScalarAsync<string>("""
        SELECT md5(concat_ws('|',
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM assets t),
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM asset_variants t),
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM generation_pipelines t),
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pipeline_stages t),
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM api_errors t),
            (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM error_aggregations t)))
        """);
}
