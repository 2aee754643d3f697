using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

/// <summary>Every slice binds query values one way: the same 400, listing every bad value, and the same cursor rules.</summary>
public sealed class QueryBindingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string[] Fields(JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order()];

    [Theory]
    [InlineData("/api/pipelines?limit=ten&userId=nope", "limit,userId")]
    [InlineData("/api/errors?limit=ten&userId=nope", "limit,userId")]
    [InlineData("/api/errors?resolved=maybe&from=yesterday&limit=ten", "from,limit,resolved")]
    [InlineData("/api/errors/aggregations?statusCode=x&to=soon", "statusCode,to")]
    [InlineData("/api/variants?status=pending&limit=ten", "limit")]
    [InlineData("/api/pipelines?limit=500&status=nope", "limit,status")]
    [InlineData("/api/pipelines?status=nope&status=worse", "status")]
    [InlineData("/api/variants?presetId=&status=bogus&limit=0", "limit,presetId,status")]
    [InlineData("/api/errors?severity=loud&category=odd&limit=0", "category,limit,severity")]
    [InlineData("/api/assets/00000000-0000-0000-0000-000000000001/variants?page=0&limit=101", "limit,page")]
    // A value that fails to bind stops the handler, so the same 400 also runs each parameter's own rule (its range,
    // labels or length): before, limit=500 or status=bogus came back in a second 400 once userId was fixed.
    [InlineData("/api/pipelines?limit=500&userId=nope", "limit,userId")]
    [InlineData("/api/pipelines?status=bogus&status=queued&userId=nope", "status,userId")]
    [InlineData("/api/errors?severity=loud&from=yesterday&limit=0", "from,limit,severity")]
    [InlineData("/api/errors/aggregations?category=odd&statusCode=x&limit=101", "category,limit,statusCode")]
    [InlineData("/api/variants?status=bogus&presetId=&limit=ten", "limit,presetId,status")]
    [InlineData("/api/assets/not-a-uuid/variants?page=0&limit=101", "baseAssetId,limit,page")]
    [InlineData("/api/errors?olderThan=soon&resolvedOnly=yes", "olderThan,resolvedOnly", "DELETE")]
    [InlineData("/api/errors?resolvedOnly=yes", "olderThan,resolvedOnly", "DELETE")]
    public async Task One_400_names_every_bad_value_with_the_same_title(string url, string fields, string method = "GET")
    {
        var admin = await factory.SignInAsync(admin: true);
        var problem = await (await admin.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(fields.Split(','), Fields(problem));
        Assert.Equal("One or more validation errors occurred.", problem.GetProperty("title").GetString());
        Assert.Equal("One or more request values are not valid.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/pipelines?limit=500", "&userId=nope", "limit")]
    [InlineData("/api/assets/00000000-0000-0000-0000-000000000001/variants?page=0", "&activeOnly=maybe", "page")]
    [InlineData("/api/variants?status=bogus", "&limit=ten", "status")]
    public async Task A_rule_says_the_same_whether_or_not_another_value_failed_to_bind(string url, string badValue, string field)
    {
        var admin = await factory.SignInAsync(admin: true);
        var alone = await (await admin.Client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var together = await (await admin.Client.GetAsync(url + badValue)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(alone.GetProperty("errors").GetProperty(field).GetRawText(), together.GetProperty("errors").GetProperty(field).GetRawText());
    }

    [Fact]
    public async Task A_too_long_endpoint_filter_is_named_beside_a_value_that_did_not_bind()
    {
        var admin = await factory.SignInAsync(admin: true);
        var problem = await (await admin.Client.GetAsync($"/api/errors?endpoint={new string('e', 513)}&limit=ten"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["endpoint", "limit"], Fields(problem));
        Assert.Equal("endpoint must be 512 characters or fewer.", problem.GetProperty("errors").GetProperty("endpoint")[0].GetString());
    }

    [Fact]
    public async Task Each_bad_label_of_a_repeated_filter_is_named()
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.GetAsync("/api/pipelines?status=nope&status=processing&status=worse"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var messages = problem.GetProperty("errors").GetProperty("status").EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Contains("'nope'", messages[0]);
        Assert.Contains("'worse'", messages[1]);
    }

    [Theory]
    [InlineData("/api/pipelines?cursor=")]
    [InlineData("/api/pipelines/expired?cursor=")]
    [InlineData("/api/errors?cursor=")]
    [InlineData("/api/errors/aggregations?cursor=")]
    [InlineData("/api/variants?status=pending&cursor=")]
    public async Task An_empty_cursor_means_the_first_page_on_every_list(string url)
    {
        var admin = await factory.SignInAsync(admin: true);
        var page = await (await admin.Client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, page.GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData("/api/pipelines", "status", "processing")]
    [InlineData("/api/variants", "status", "pending")]
    [InlineData("/api/errors", "category", "external_api")]
    [InlineData("/api/errors/aggregations", "severity", "critical")]
    public async Task Label_filters_list_their_labels_in_the_openapi_document(string path, string name, string label)
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        var parameter = doc.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == name);
        var schema = parameter.GetProperty("schema");
        Assert.Equal("array", schema.GetProperty("type").GetString());
        Assert.Contains(label, schema.GetProperty("items").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }
}
