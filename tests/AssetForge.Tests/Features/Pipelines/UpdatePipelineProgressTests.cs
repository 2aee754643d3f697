using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class UpdatePipelineProgressTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Sets_progress_and_current_stage_and_answers_the_pipeline_with_a_new_etag()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var response = await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":40,"currentStage":"texture"}""");
        var pipeline = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(40, pipeline.GetProperty("progress").GetInt32());
        Assert.Equal("texture", pipeline.GetProperty("currentStage").GetString());
        Assert.Equal(3, pipeline.GetProperty("stages").GetArrayLength());
        Assert.NotEqual(created.ETag, response.Headers.ETag?.ToString());
        Assert.Equal(40, await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id));
        Assert.True(await factory.Db.ScalarAsync<bool>(
            "SELECT updated_at > created_at FROM generation_pipelines WHERE id = $1", created.Id));

        // Without currentStage, the stage stays; progress may go back (a retried stage starts over).
        pipeline = await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":10}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(10, pipeline.GetProperty("progress").GetInt32());
        Assert.Equal("texture", pipeline.GetProperty("currentStage").GetString());

        // The ETag answered is the one a GET gives: a client can chain writes with it.
        var etag = (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":11}""")).Headers.ETag!.ToString();
        Assert.Equal(etag, (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task CurrentStage_must_be_one_of_the_pipelines_stages()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":40,"currentStage":"bake"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("currentStage")[0].GetString();
        Assert.Contains("mesh, texture, rig", message);
        Assert.Equal(0, await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id));
    }

    [Theory]
    [InlineData("""{"progress":101}""", "progress")]
    [InlineData("""{"progress":-1}""", "progress")]
    [InlineData("""{}""", "progress")]
    [InlineData("""{"progress":null}""", "progress")]
    [InlineData("""{"progress":"50"}""", "progress")]
    [InlineData("""{"progress":50.5}""", "progress")]
    [InlineData("""{"progress":50,"currentStage":""}""", "currentStage")]
    [InlineData("""{"progress":50,"status":"failed"}""", "status")]
    [InlineData("""not json""", "body")]
    public async Task Invalid_bodies_are_400_and_change_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(field == "body" || problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(created.ETag, (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task A_terminal_pipeline_is_409_and_keeps_its_progress()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"cancelled"}""")).AssertStatusAsync(HttpStatusCode.OK);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":50}"""))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("cancelled", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id));
    }

    [Fact]
    public async Task If_match_stale_is_412_current_is_200()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var first = await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":5}""", created.ETag);
        await first.AssertStatusAsync(HttpStatusCode.OK);

        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":6}""", created.ETag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":6}""", "W/\"1\""))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(5, await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id));

        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":7}""", first.Headers.ETag!.ToString()))
            .AssertStatusAsync(HttpStatusCode.OK);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":8}""", "*"))
            .AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_members_pipeline_is_404_even_with_a_stale_etag_and_unknown_or_malformed_ids_are_404_and_400()
    {
        var owner = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(owner);
        var stranger = await factory.SignInAsync();
        await (await stranger.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":50}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":50}""", "\"1\"")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id));

        var admin = await factory.SignInAsync(admin: true);
        await (await admin.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":50}""")).AssertStatusAsync(HttpStatusCode.OK);

        await (await owner.PatchAsync($"/api/pipelines/{Guid.NewGuid()}/progress", """{"progress":50}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await owner.PatchAsync("/api/pipelines/xyz/progress", """{"progress":50}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _), problem.ToString());
    }
}
