using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class VariantsOpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/assets/{baseAssetId}/variants", "post", "201,400,404,409")]
    [InlineData("/api/assets/{baseAssetId}/variants", "get", "200,400,404")]
    [InlineData("/api/assets/{baseAssetId}/variants/order", "get", "200,404")]
    [InlineData("/api/assets/{baseAssetId}/variants/order", "put", "200,400,404,412")]
    [InlineData("/api/assets/{baseAssetId}/variants/statistics", "get", "200,404")]
    [InlineData("/api/assets/{baseAssetId}/variants/statistics/recalculate", "post", "200,403,404")]
    [InlineData("/api/variants", "get", "200,400")]
    [InlineData("/api/variants/{id}", "get", "200,404")]
    [InlineData("/api/variants/{id}", "patch", "200,400,404,412")]
    [InlineData("/api/variants/{id}", "delete", "204,404,412")]
    [InlineData("/api/variants/{id}/status", "patch", "200,400,404,412")]
    [InlineData("/api/variants/by-retexture-task/{taskId}", "get", "200,404")]
    public async Task Every_variants_route_declares_its_answers(string path, string method, string codes)
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        var responses = doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        foreach (var code in codes.Split(','))
            Assert.True(responses.TryGetProperty(code, out _), $"{method} {path} does not declare {code}");
    }

    [Fact]
    public async Task Generation_statuses_are_the_four_stored_labels()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        var labels = doc.GetProperty("components").GetProperty("schemas").GetProperty("VariantStatus").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["pending", "processing", "completed", "failed"], labels);
    }
}
