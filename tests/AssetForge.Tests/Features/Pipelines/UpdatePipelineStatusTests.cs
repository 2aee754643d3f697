using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class UpdatePipelineStatusTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string[] All = ["initializing", "processing", "completed", "failed", "cancelled"];

    private static readonly HashSet<(string, string)> Legal =
    [
        ("initializing", "processing"), ("initializing", "failed"), ("initializing", "cancelled"),
        ("processing", "completed"), ("processing", "failed"), ("processing", "cancelled"),
    ];

    public static TheoryData<string, string> EveryPair()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in All) foreach (var to in All) data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task Only_the_state_machines_transitions_are_allowed(string from, string to)
    {
        var user = await factory.SignInAsync();
        var id = await PipelineKit.InsertAsync(factory.Db, user.Id, from,
            completedAt: from is "completed" or "failed" or "cancelled" ? DateTimeOffset.UtcNow : null);
        var before = await factory.Db.ScalarAsync<long>("SELECT xmin::text::bigint FROM generation_pipelines WHERE id = $1", id);

        var response = await user.PatchAsync($"/api/pipelines/{id}/status", $$"""{"status":"{{to}}"}""");
        if (Legal.Contains((from, to)))
        {
            var pipeline = await response.AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal(to, pipeline.GetProperty("status").GetString());
            Assert.Equal(to, await PipelineKit.StatusAsync(factory.Db, id));
        }
        else
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(from, problem.GetProperty("detail").GetString());
            Assert.Equal(before, await factory.Db.ScalarAsync<long>("SELECT xmin::text::bigint FROM generation_pipelines WHERE id = $1", id));
        }
    }

    [Fact]
    public async Task Processing_stamps_started_at_and_a_final_state_completed_at_on_the_database_clock()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        var processing = await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"processing"}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, processing.GetProperty("startedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, processing.GetProperty("completedAt").ValueKind);
        Assert.True(await factory.Db.ScalarAsync<bool>(
            "SELECT started_at >= created_at AND started_at <= now() FROM generation_pipelines WHERE id = $1", created.Id));

        var completed = await (await user.PatchAsync($"/api/pipelines/{created.Id}/status",
                """{"status":"completed","results":{"modelUrl":"https://cdn.example.com/knight.glb"}}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(100, completed.GetProperty("progress").GetInt32());
        Assert.Equal(processing.GetProperty("startedAt").GetString(), completed.GetProperty("startedAt").GetString());
        Assert.Equal("https://cdn.example.com/knight.glb", completed.GetProperty("results").GetProperty("modelUrl").GetString());
        Assert.True(await factory.Db.ScalarAsync<bool>(
            "SELECT completed_at >= started_at AND results ->> 'modelUrl' IS NOT NULL FROM generation_pipelines WHERE id = $1", created.Id));
    }

    [Fact]
    public async Task Failure_stores_error_stage_and_details()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var failed = await (await user.PatchAsync($"/api/pipelines/{created.Id}/status",
                """{"status":"failed","error":"Meshy timed out","errorStage":"texture","errorDetails":{"code":504}}"""))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Meshy timed out", failed.GetProperty("error").GetString());
        Assert.Equal("texture", failed.GetProperty("errorStage").GetString());
        Assert.Equal(504, failed.GetProperty("errorDetails").GetProperty("code").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("completedAt").ValueKind);
        Assert.Equal(504, await factory.Db.ScalarAsync<int>(
            "SELECT (error_details ->> 'code')::int FROM generation_pipelines WHERE id = $1 AND error_stage = 'texture'", created.Id));
    }

    [Theory]
    [InlineData("""{}""", "status")]
    [InlineData("""{"status":"done"}""", "status")]
    [InlineData("""{"status":2}""", "status")]
    [InlineData("""{"status":"failed","errorDetails":"boom"}""", "errorDetails")]
    [InlineData("""{"status":"completed","results":[1]}""", "results")]
    [InlineData("""{"status":"failed","errorStage":""}""", "errorStage")]
    public async Task Invalid_bodies_are_400_and_change_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("processing", await PipelineKit.StatusAsync(factory.Db, created.Id));
    }

    [Fact]
    public async Task ErrorStage_must_be_one_of_the_pipelines_stages()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var problem = await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"failed","errorStage":"bake"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("errorStage", out _));
        Assert.Equal("processing", await PipelineKit.StatusAsync(factory.Db, created.Id));
    }

    [Fact]
    public async Task A_stale_if_match_is_412_before_the_transition_is_judged()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":3}""")).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"processing"}""", created.ETag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("initializing", await PipelineKit.StatusAsync(factory.Db, created.Id));
        var stranger = await factory.SignInAsync();
        await (await stranger.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"cancelled"}""")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Racing_finishers_cannot_both_win()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        string[] finals = ["completed", "failed", "cancelled"];
        var targets = Enumerable.Range(0, 10).Select(i => finals[i % 3]).ToArray();
        var responses = await PipelineKit.RaceAsync(factory.Db, created.Id, targets
            .Select(t => (Func<Task<HttpResponseMessage>>)(() => user.PatchAsync($"/api/pipelines/{created.Id}/status", $$"""{"status":"{{t}}"}""")))
            .ToList());

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var winner = (await winners[0].ReadJsonAsync()).GetProperty("status").GetString();
        Assert.Equal(winner, await PipelineKit.StatusAsync(factory.Db, created.Id));
    }
}
