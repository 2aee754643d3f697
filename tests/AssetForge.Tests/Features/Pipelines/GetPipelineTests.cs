using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class GetPipelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Owner_reads_the_pipeline_with_its_stages_in_order_and_its_current_etag()
    {
        var owner = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(owner, """["rig","mesh","texture","export"]""");
        // Stages come back by stage_order, not by id or insertion accident: shuffle the physical order first.
        await factory.Db.ExecuteAsync("UPDATE pipeline_stages SET progress = 1 WHERE pipeline_id = $1 AND stage_order = 0", created.Id);

        var response = await owner.Client.GetAsync($"/api/pipelines/{created.Id}");
        var pipeline = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["rig", "mesh", "texture", "export"],
            pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        // Since V7 a stage write moves its pipeline's version whoever makes it, the shuffle above included.
        var version = await factory.Db.ScalarAsync<long>("SELECT xmin::text::bigint FROM generation_pipelines WHERE id = $1", created.Id);
        Assert.NotEqual(created.ETag, response.Headers.ETag?.ToString());
        Assert.Equal($"\"{version}\"", response.Headers.ETag?.ToString());
        Assert.Equal(created.Body.GetProperty("config").GetRawText(), pipeline.GetProperty("config").GetRawText());
    }

    [Fact]
    public async Task Another_member_gets_404_and_an_admin_gets_the_pipeline()
    {
        var owner = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(owner);
        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/pipelines/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        var pipeline = await (await admin.Client.GetAsync($"/api/pipelines/{created.Id}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(3, pipeline.GetProperty("stages").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_id_is_404_and_malformed_id_is_400()
    {
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync($"/api/pipelines/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await user.Client.GetAsync("/api/pipelines/not-a-uuid")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _), problem.ToString());
    }

    [Fact]
    public async Task Lookup_by_meshy_task_finds_the_newest_visible_pipeline_with_its_stages()
    {
        var owner = await factory.SignInAsync();
        var taskId = $"meshy-{Guid.NewGuid():N}";
        var older = await PipelineKit.CreateAsync(owner, extra: $$""","meshyTaskId":"{{taskId}}" """);
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET created_at = created_at - interval '1 hour' WHERE id = $1", older.Id);
        var newer = await PipelineKit.CreateAsync(owner, """["only"]""", extra: $$""","meshyTaskId":"{{taskId}}" """);

        var response = await owner.Client.GetAsync($"/api/pipelines/by-meshy-task/{taskId}");
        var pipeline = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(newer.Id, pipeline.GetProperty("id").GetGuid());
        Assert.Equal(["only"], pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(newer.ETag, response.Headers.ETag?.ToString());

        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/pipelines/by-meshy-task/{taskId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/pipelines/by-meshy-task/{taskId}")).AssertStatusAsync(HttpStatusCode.OK);
        await (await owner.Client.GetAsync("/api/pipelines/by-meshy-task/no-such-task")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await owner.Client.GetAsync($"/api/pipelines/by-meshy-task/{new string('t', 256)}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("taskId", out _));
    }

    [Fact]
    public async Task Literal_routes_win_over_the_id_route()
    {
        var member = await factory.SignInAsync();
        var admin = await factory.SignInAsync(admin: true);
        var statistics = await (await member.Client.GetAsync("/api/pipelines/statistics")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(statistics.TryGetProperty("byStatus", out _));
        await (await admin.Client.GetAsync("/api/pipelines/expired")).AssertStatusAsync(HttpStatusCode.OK);
        // A member on an admin route is refused, not told "expired" is a malformed id.
        await (await member.Client.GetAsync("/api/pipelines/expired")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await member.Client.PostAsync("/api/pipelines/cleanup", Http.Json("""{"olderThan":"2020-01-01T00:00:00Z"}""")))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
