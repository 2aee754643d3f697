using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class DeletePipelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private Task<long> CountAsync(Guid id) =>
        factory.Db.ScalarAsync<long>("SELECT (SELECT count(*) FROM generation_pipelines WHERE id = $1) + (SELECT count(*) FROM pipeline_stages WHERE pipeline_id = $1)", id);

    [Fact]
    public async Task Deletes_the_pipeline_and_its_stages()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        Assert.Equal(4, await CountAsync(created.Id));
        await (await user.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await CountAsync(created.Id));
        await (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task If_match_stale_is_412_and_current_deletes()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var progressed = await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":1}""");
        await (await user.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null, created.ETag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(4, await CountAsync(created.Id));
        await (await user.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null, progressed.Headers.ETag!.ToString()))
            .AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await CountAsync(created.Id));
    }

    [Fact]
    public async Task Another_members_pipeline_is_404_with_or_without_if_match_and_admins_may_delete_it()
    {
        var owner = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(owner);
        var stranger = await factory.SignInAsync();
        await (await stranger.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null, created.ETag)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(4, await CountAsync(created.Id));
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.SendAsync(HttpMethod.Delete, $"/api/pipelines/{created.Id}", null, created.ETag)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await CountAsync(created.Id));
    }

    [Fact]
    public async Task Malformed_id_is_400()
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.SendAsync(HttpMethod.Delete, "/api/pipelines/123", null)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }
}
