using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>Many writers on one pipeline: every answer is a 200 or a clean problem, and the final rows lose nothing.</summary>
public sealed class ConcurrentUpdateTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Twenty_concurrent_progress_and_stage_updates_all_succeed_and_the_final_rows_are_consistent()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET updated_at = now() - interval '1 hour' WHERE id = $1", created.Id);
        var updatedBefore = await factory.Db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", created.Id);
        var (mesh, texture, rig) = (created.StageId(0), created.StageId(1), created.StageId(2));
        var stageNames = new[] { "mesh", "texture", "rig" };

        var requests = new List<Func<Task<HttpResponseMessage>>>();
        var progressSent = new List<int>();
        for (var i = 1; i <= 8; i++) // pipeline progress with a current stage
        {
            var (p, stage) = (i * 10, stageNames[i % 3]);
            progressSent.Add(p);
            requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/progress", $$"""{"progress":{{p}},"currentStage":"{{stage}}"}"""));
        }
        var meshProgressSent = new List<int>();
        for (var i = 1; i <= 6; i++) // one stage's progress, many times
        {
            var p = i * 15;
            meshProgressSent.Add(p);
            requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{mesh}", $$"""{"progress":{{p}}}"""));
        }
        // Each of these sets a different field of one stage: all of them must survive.
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{texture}", """{"result":{"textureUrl":"https://cdn.example.com/t.png"}}"""));
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{texture}", """{"error":"slow upstream"}"""));
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{texture}", """{"errorDetails":{"latencyMs":900}}"""));
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{texture}", """{"progress":55}"""));
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{rig}", """{"status":"processing"}"""));
        requests.Add(() => user.PatchAsync($"/api/pipelines/{created.Id}/stages/{rig}", """{"result":{"bones":64}}"""));
        Assert.Equal(20, requests.Count);

        var responses = await PipelineKit.RaceAsync(factory.Db, created.Id, requests);
        foreach (var response in responses) await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Contains(await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id), progressSent);
        Assert.Contains(await factory.Db.ScalarAsync<string>("SELECT current_stage FROM generation_pipelines WHERE id = $1", created.Id), stageNames);
        Assert.True(await factory.Db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", created.Id) > updatedBefore);
        Assert.Equal("processing", await PipelineKit.StatusAsync(factory.Db, created.Id));

        Assert.Contains(await factory.Db.ScalarAsync<int>("SELECT progress FROM pipeline_stages WHERE id = $1", mesh), meshProgressSent);
        Assert.True(await factory.Db.ScalarAsync<bool>("""
            SELECT progress = 55 AND error = 'slow upstream' AND result ->> 'textureUrl' = 'https://cdn.example.com/t.png'
                   AND (error_details ->> 'latencyMs')::int = 900 AND status = 'pending'
            FROM pipeline_stages WHERE id = $1
            """, texture));
        Assert.True(await factory.Db.ScalarAsync<bool>("""
            SELECT status = 'processing' AND started_at IS NOT NULL AND (result ->> 'bones')::int = 64
            FROM pipeline_stages WHERE id = $1
            """, rig));

        // Every answer carried a distinct row version: the writes were serialised, none overwrote another's answer.
        Assert.Equal(20, responses.Select(r => r.Headers.ETag!.ToString()).Distinct().Count());
    }

    [Fact]
    public async Task Twenty_concurrent_writes_with_the_same_if_match_let_exactly_one_through()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var responses = await PipelineKit.RaceAsync(factory.Db, created.Id, Enumerable.Range(1, 20)
            .Select(i => (Func<Task<HttpResponseMessage>>)(() => i % 2 == 0
                ? user.PatchAsync($"/api/pipelines/{created.Id}/progress", $$"""{"progress":{{i}}}""", created.ETag)
                : user.PatchAsync($"/api/pipelines/{created.Id}/stages/{created.StageId(0)}", $$"""{"progress":{{i}}}""", created.ETag)))
            .ToList());

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(ok);
        foreach (var stale in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        // The row holds the winner's write and nothing from the 19 refused ones.
        var winner = await ok[0].ReadJsonAsync();
        var pipelineProgress = await factory.Db.ScalarAsync<int>("SELECT progress FROM generation_pipelines WHERE id = $1", created.Id);
        var stageProgress = await factory.Db.ScalarAsync<int>("SELECT progress FROM pipeline_stages WHERE id = $1", created.StageId(0));
        Assert.Equal(winner.GetProperty("progress").GetInt32(), pipelineProgress);
        Assert.Equal(winner.GetProperty("stages")[0].GetProperty("progress").GetInt32(), stageProgress);
        Assert.True(pipelineProgress == 0 ^ stageProgress == 0, $"pipeline {pipelineProgress}, stage {stageProgress}");
        Assert.Equal(ok[0].Headers.ETag!.ToString(), (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).Headers.ETag!.ToString());
    }
}
