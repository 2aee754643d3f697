using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class UpdatePipelineStageTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static JsonElement Stage(JsonElement pipeline, Guid stageId) =>
        pipeline.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == stageId);

    [Fact]
    public async Task Start_and_completion_are_stamped_by_the_database_clock_with_the_duration()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var stageId = created.StageId(0);
        var url = $"/api/pipelines/{created.Id}/stages/{stageId}";

        var started = await (await user.PatchAsync(url, """{"status":"processing","progress":10}""")).AssertStatusAsync(HttpStatusCode.OK);
        var stage = Stage(started, stageId);
        Assert.Equal("processing", stage.GetProperty("status").GetString());
        Assert.Equal(10, stage.GetProperty("progress").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, stage.GetProperty("startedAt").ValueKind);

        // Pretend the stage ran for 1.5 s, so the duration the database computes is a known number.
        await factory.Db.ExecuteAsync("UPDATE pipeline_stages SET started_at = now() - interval '1500 milliseconds' WHERE id = $1", stageId);
        var done = await (await user.PatchAsync(url, """{"status":"completed","result":{"meshUrl":"https://cdn.example.com/m.glb"}}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        stage = Stage(done, stageId);
        Assert.Equal("completed", stage.GetProperty("status").GetString());
        Assert.Equal(100, stage.GetProperty("progress").GetInt32());
        Assert.Equal("https://cdn.example.com/m.glb", stage.GetProperty("result").GetProperty("meshUrl").GetString());
        var duration = stage.GetProperty("durationMs").GetInt32();
        Assert.InRange(duration, 1500, 60_000);
        Assert.True(await factory.Db.ScalarAsync<bool>("""
            SELECT duration = round(extract(epoch FROM completed_at - started_at) * 1000)::int
            FROM pipeline_stages WHERE id = $1
            """, stageId));
        Assert.Equal(duration, await factory.Db.ScalarAsync<int>("SELECT duration FROM pipeline_stages WHERE id = $1", stageId));
    }

    [Fact]
    public async Task A_stage_write_moves_the_pipelines_updated_at_and_etag()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET updated_at = now() - interval '1 hour' WHERE id = $1", created.Id);
        var before = await factory.Db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", created.Id);
        var etag = (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString();

        var response = await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(1)}", """{"progress":30}""", etag);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(await factory.Db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", created.Id) > before);
        Assert.NotEqual(etag, response.Headers.ETag!.ToString());
        Assert.Equal(response.Headers.ETag!.ToString(), (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString());

        // The old pipeline ETag is stale for stage writes too.
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(1)}", """{"progress":31}""", etag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(30, await factory.Db.ScalarAsync<int>("SELECT progress FROM pipeline_stages WHERE id = $1", created.StageId(1)));
    }

    [Fact]
    public async Task Fields_not_sent_are_kept()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var url = $"/api/pipelines/{created.Id}/stages/{created.StageId(2)}";
        await (await user.PatchAsync(url, """{"status":"processing"}""")).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.PatchAsync(url, """{"error":"retrying","errorDetails":{"attempt":1}}""")).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.PatchAsync(url, """{"result":[1,2,3]}""")).AssertStatusAsync(HttpStatusCode.OK);
        var pipeline = await (await user.PatchAsync(url, """{"progress":70}""")).AssertStatusAsync(HttpStatusCode.OK);
        var stage = Stage(pipeline, created.StageId(2));
        Assert.Equal("processing", stage.GetProperty("status").GetString());
        Assert.Equal(70, stage.GetProperty("progress").GetInt32());
        Assert.Equal("retrying", stage.GetProperty("error").GetString());
        Assert.Equal(1, stage.GetProperty("errorDetails").GetProperty("attempt").GetInt32());
        Assert.Equal(3, stage.GetProperty("result").GetArrayLength());
    }

    public static TheoryData<string, string, bool> Transitions() => new()
    {
        { "pending", "processing", true }, { "pending", "skipped", true }, { "pending", "completed", false },
        { "pending", "failed", false }, { "pending", "pending", false },
        { "processing", "completed", true }, { "processing", "failed", true }, { "processing", "skipped", true },
        { "processing", "pending", false }, { "processing", "processing", false },
        { "completed", "processing", false }, { "failed", "completed", false }, { "skipped", "processing", false },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task Stage_transitions_follow_the_stage_state_machine(string from, string to, bool legal)
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var stageId = created.StageId(0);
        await factory.Db.ExecuteAsync("UPDATE pipeline_stages SET status = $2::stage_status WHERE id = $1", stageId, from);
        var response = await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{stageId}", $$"""{"status":"{{to}}"}""");
        if (legal)
        {
            await response.AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal(to, await factory.Db.ScalarAsync<string>("SELECT status::text FROM pipeline_stages WHERE id = $1", stageId));
        }
        else
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(from, problem.GetProperty("detail").GetString());
            Assert.Equal(from, await factory.Db.ScalarAsync<string>("SELECT status::text FROM pipeline_stages WHERE id = $1", stageId));
        }
    }

    [Fact]
    public async Task Skipping_a_pending_stage_completes_it_without_a_duration()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var pipeline = await (await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(2)}", """{"status":"skipped"}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        var stage = Stage(pipeline, created.StageId(2));
        Assert.NotEqual(JsonValueKind.Null, stage.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, stage.GetProperty("durationMs").ValueKind);
        Assert.Equal(0, stage.GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task Stages_of_a_terminal_pipeline_are_409()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"failed"}""")).AssertStatusAsync(HttpStatusCode.OK);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(0)}", """{"progress":5}"""))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("failed", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await factory.Db.ScalarAsync<int>("SELECT progress FROM pipeline_stages WHERE id = $1", created.StageId(0)));
    }

    [Fact]
    public async Task Unknown_foreign_and_malformed_stages_and_pipelines()
    {
        var owner = await factory.SignInAsync();
        var a = await PipelineKit.CreateProcessingAsync(owner);
        var b = await PipelineKit.CreateProcessingAsync(owner);
        // A stage of another pipeline is not a stage of this one.
        await (await owner.PatchAsync($"/api/pipelines/{a.Id}/stages/{b.StageId(0)}", """{"progress":5}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.PatchAsync($"/api/pipelines/{a.Id}/stages/{Guid.NewGuid()}", """{"progress":5}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await factory.Db.ScalarAsync<int>("SELECT progress FROM pipeline_stages WHERE id = $1", b.StageId(0)));

        var stranger = await factory.SignInAsync();
        await (await stranger.PatchAsync($"/api/pipelines/{a.Id}/stages/{a.StageId(0)}", """{"progress":5}""")).AssertProblemAsync(HttpStatusCode.NotFound);

        var problem = await (await owner.PatchAsync($"/api/pipelines/{a.Id}/stages/nope", """{"progress":5}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("stageId", out _), problem.ToString());
    }

    [Theory]
    [InlineData("""{}""", "body")]
    [InlineData("""{"progress":101}""", "progress")]
    [InlineData("""{"status":"paused"}""", "status")]
    [InlineData("""{"errorDetails":[1]}""", "errorDetails")]
    [InlineData("""{"progress":5,"name":"renamed"}""", "name")]
    public async Task Invalid_bodies_are_400_and_change_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(0)}", body))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(created.ETag, (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString());
    }
}
