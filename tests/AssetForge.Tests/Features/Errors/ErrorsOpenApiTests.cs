using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class ErrorsOpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<JsonElement> PathsAsync() =>
        (await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK)).GetProperty("paths");

    private static JsonElement Parameter(JsonElement operation, string name) =>
        operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Every_errors_route_is_described_with_its_answers()
    {
        var paths = await PathsAsync();
        var errors = paths.GetProperty("/api/errors");
        Assert.True(errors.GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));
        // Anonymous reports are welcome: the token is optional ({} or Bearer).
        var security = errors.GetProperty("post").GetProperty("security").EnumerateArray().ToList();
        Assert.Equal(2, security.Count);
        Assert.Contains(security, r => !r.EnumerateObject().Any());
        Assert.Contains(security, r => r.TryGetProperty("Bearer", out _));
        Assert.True(errors.GetProperty("delete").GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(paths.GetProperty("/api/errors/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        var resolve = paths.GetProperty("/api/errors/{id}/resolve").GetProperty("post").GetProperty("responses");
        Assert.True(resolve.TryGetProperty("200", out _) && resolve.TryGetProperty("403", out _));
        Assert.True(paths.GetProperty("/api/errors/stats").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(paths.GetProperty("/api/errors/aggregations").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(paths.GetProperty("/api/errors/aggregations/rebuild").GetProperty("post").GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task Query_values_parsed_by_the_slice_keep_their_real_types()
    {
        var list = (await PathsAsync()).GetProperty("/api/errors").GetProperty("get");
        Assert.Equal("uuid", Parameter(list, "userId").GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal("boolean", Parameter(list, "resolved").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("date-time", Parameter(list, "from").GetProperty("schema").GetProperty("format").GetString());
        var severity = Parameter(list, "severity").GetProperty("schema");
        Assert.Equal("array", severity.GetProperty("type").GetString());
        Assert.Equal(["debug", "info", "warning", "error", "critical"],
            severity.GetProperty("items").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        var delete = (await PathsAsync()).GetProperty("/api/errors").GetProperty("delete");
        Assert.True(Parameter(delete, "olderThan").GetProperty("required").GetBoolean());
    }
}
