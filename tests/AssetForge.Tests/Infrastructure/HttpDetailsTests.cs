using System.Net;
using AssetForge.Tests.Features.Pipelines;
using AssetForge.Tests.Support;

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
}
