using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>The OpenAPI document describes every Pipelines route with the answers it really gives.</summary>
public sealed class PipelinesOpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<JsonElement> OperationAsync(string path, string method)
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(doc.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in the document");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
        return operation;
    }

    private static IEnumerable<string> Responses(JsonElement operation) => operation.GetProperty("responses").EnumerateObject().Select(r => r.Name);

    [Theory]
    [InlineData("/api/pipelines", "post", "CreatePipeline", new[] { "201", "400", "401", "403" })]
    [InlineData("/api/pipelines", "get", "ListPipelines", new[] { "200", "400", "401", "403" })]
    [InlineData("/api/pipelines/{id}", "get", "GetPipeline", new[] { "200", "401", "404" })]
    [InlineData("/api/pipelines/by-meshy-task/{taskId}", "get", "GetPipelineByMeshyTask", new[] { "200", "400", "404" })]
    [InlineData("/api/pipelines/{id}/progress", "patch", "UpdatePipelineProgress", new[] { "200", "400", "404", "409", "412" })]
    [InlineData("/api/pipelines/{id}/status", "patch", "UpdatePipelineStatus", new[] { "200", "400", "404", "409", "412" })]
    [InlineData("/api/pipelines/{id}/stages/{stageId}", "patch", "UpdatePipelineStage", new[] { "200", "400", "404", "409", "412" })]
    [InlineData("/api/pipelines/{id}", "delete", "DeletePipeline", new[] { "204", "404", "412" })]
    [InlineData("/api/pipelines/statistics", "get", "GetPipelineStatistics", new[] { "200", "403" })]
    [InlineData("/api/pipelines/expired", "get", "ListExpiredPipelines", new[] { "200", "400", "403" })]
    [InlineData("/api/pipelines/cleanup", "post", "CleanupPipelines", new[] { "200", "400", "403" })]
    public async Task Every_route_is_documented_with_its_answers(string path, string method, string operationId, string[] statuses)
    {
        var operation = await OperationAsync(path, method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        var documented = Responses(operation).ToList();
        Assert.All(statuses, s => Assert.Contains(s, documented));
    }
}
