using System.Net;
using System.Text.Json;
using AssetForge.Features.Pipelines;
using AssetForge.Infrastructure.Jobs;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>Small batches, so a handful of rows proves the jobs and the cleanup route loop until done.</summary>
public sealed class SmallBatchApiFactory : ClockedApiFactory
{
    // The expiry job and the rows compare with the database's now(): start the application's clock there too.
    protected override DateTimeOffset StartsAt => DateTimeOffset.UtcNow;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Pipelines:JobBatchSize", "2"),
        new("Pipelines:RetentionDays", "30"),
    ];
}

public sealed class MaintenanceTests(SmallBatchApiFactory factory) : IClassFixture<SmallBatchApiFactory>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private Task<string> StatusAsync(Guid id) => PipelineKit.StatusAsync(factory.Db, id);

    private Task<bool> ExistsAsync(Guid id) => factory.Db.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM generation_pipelines WHERE id = $1)", id);

    [Fact]
    public async Task Expired_lists_running_pipelines_past_expiry_most_overdue_first_for_admins()
    {
        var admin = await factory.SignInAsync(admin: true);
        var user = await factory.SignInAsync();
        var overdue = new List<Guid>();
        for (var i = 5; i >= 1; i--)
            overdue.Add(await PipelineKit.InsertAsync(factory.Db, user.Id, i % 2 == 0 ? "processing" : "initializing", expiresAt: Now.AddDays(-1000).AddMinutes(-i)));
        var finished = await PipelineKit.InsertAsync(factory.Db, user.Id, "completed", expiresAt: Now.AddDays(-1000), completedAt: Now);
        var future = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing", expiresAt: Now.AddHours(1));

        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await admin.Client.GetAsync("/api/pipelines/expired?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))
                .AssertStatusAsync(HttpStatusCode.OK);
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("pagination").GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(overdue, ids.Where(overdue.Contains));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(finished, ids);
        Assert.DoesNotContain(future, ids);

        await (await user.Client.GetAsync("/api/pipelines/expired")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.Client.GetAsync("/api/pipelines/expired?cursor=xyz")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.Client.GetAsync("/api/pipelines/expired?limit=1000")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_expiry_job_fails_running_pipelines_past_expiry_in_batches_and_leaves_the_rest()
    {
        var user = await factory.SignInAsync();
        var expired = new List<Guid>();
        for (var i = 0; i < 5; i++)
            expired.Add(await PipelineKit.InsertAsync(factory.Db, user.Id, i % 2 == 0 ? "processing" : "initializing",
                expiresAt: Now.AddMinutes(-10 - i), currentStage: i % 2 == 0 ? "texture" : null));
        var notYet = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing", expiresAt: Now.AddHours(1));
        var noExpiry = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing");
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET expires_at = NULL WHERE id = $1", noExpiry);
        var finished = await PipelineKit.InsertAsync(factory.Db, user.Id, "completed", expiresAt: Now.AddMinutes(-10), completedAt: Now.AddMinutes(-5));

        Assert.True(await factory.Services.GetRequiredService<ExpirePipelines.Job>().TryRunAsync(CancellationToken.None));

        foreach (var (id, i) in expired.Select((id, i) => (id, i)))
        {
            Assert.True(await factory.Db.ScalarAsync<bool>("""
                SELECT status = 'failed' AND error = 'expired' AND completed_at IS NOT NULL AND completed_at <= now()
                FROM generation_pipelines WHERE id = $1
                """, id));
            Assert.Equal(i % 2 == 0 ? "texture" : null, await factory.Db.ScalarAsync<string?>("SELECT error_stage FROM generation_pipelines WHERE id = $1", id));
        }
        Assert.Equal("processing", await StatusAsync(notYet));
        Assert.Equal("processing", await StatusAsync(noExpiry));
        Assert.Equal("completed", await StatusAsync(finished));
        Assert.Null(await factory.Db.ScalarAsync<string?>("SELECT error FROM generation_pipelines WHERE id = $1", finished));

        // The failed pipelines now answer like any other terminal pipeline.
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.PatchAsync($"/api/pipelines/{expired[0]}/progress", """{"progress":50}""")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_job_whose_advisory_lock_is_held_elsewhere_skips_its_run()
    {
        var user = await factory.SignInAsync();
        var expired = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing", expiresAt: Now.AddMinutes(-1));
        await using var otherReplica = await factory.Db.OpenConnectionAsync();
        await using (var take = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock($1)", otherReplica))
        {
            take.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = RecurringJob.LockKey("pipelines.expire") });
            await take.ExecuteNonQueryAsync();
        }
        Assert.False(await factory.Services.GetRequiredService<ExpirePipelines.Job>().TryRunAsync(CancellationToken.None));
        Assert.Equal("processing", await StatusAsync(expired));

        await using (var release = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock_all()", otherReplica)) await release.ExecuteNonQueryAsync();
        Assert.True(await factory.Services.GetRequiredService<ExpirePipelines.Job>().TryRunAsync(CancellationToken.None));
        Assert.Equal("failed", await StatusAsync(expired));
    }

    [Fact]
    public async Task The_retention_job_deletes_terminal_pipelines_finished_before_the_retention_with_their_stages()
    {
        var user = await factory.SignInAsync();
        var old = new List<Guid>();
        foreach (var status in new[] { "completed", "failed", "cancelled", "completed", "failed" })
            old.Add(await PipelineKit.InsertAsync(factory.Db, user.Id, status, completedAt: Now.AddDays(-31)));
        var withStages = await PipelineKit.CreateAsync(user);
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET status = 'completed', completed_at = now() - interval '40 days' WHERE id = $1", withStages.Id);
        var recent = await PipelineKit.InsertAsync(factory.Db, user.Id, "completed", completedAt: Now.AddDays(-29));
        var running = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing", createdAt: Now.AddDays(-60));

        Assert.True(await factory.Services.GetRequiredService<PipelineRetention.Job>().TryRunAsync(CancellationToken.None));

        foreach (var id in old) Assert.False(await ExistsAsync(id));
        Assert.False(await ExistsAsync(withStages.Id));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM pipeline_stages WHERE pipeline_id = $1", withStages.Id));
        Assert.True(await ExistsAsync(recent));
        Assert.True(await ExistsAsync(running));
    }

    [Fact]
    public async Task Retention_counts_its_days_on_the_application_clock()
    {
        // Finished now (completed_at from the database clock); the job's clock is moved instead of the row back-dated.
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"cancelled"}""")).AssertStatusAsync(HttpStatusCode.OK);
        var job = factory.Services.GetRequiredService<PipelineRetention.Job>();
        try
        {
            factory.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddDays(29));
            Assert.True(await job.TryRunAsync(CancellationToken.None));
            Assert.True(await ExistsAsync(created.Id));

            factory.Clock.Advance(TimeSpan.FromDays(2));
            Assert.True(await job.TryRunAsync(CancellationToken.None));
            Assert.False(await ExistsAsync(created.Id));
        }
        finally
        {
            factory.Clock.AdjustTime(DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task Cleanup_deletes_terminal_pipelines_completed_before_olderThan_and_reports_the_real_count()
    {
        var admin = await factory.SignInAsync(admin: true);
        var user = await factory.SignInAsync();
        var cutoff = new DateTimeOffset(2001, 6, 1, 0, 0, 0, TimeSpan.Zero); // older than anything other tests insert
        var doomed = new List<Guid>();
        foreach (var status in new[] { "completed", "failed", "cancelled", "failed", "completed" })
            doomed.Add(await PipelineKit.InsertAsync(factory.Db, user.Id, status, createdAt: cutoff.AddDays(-30), completedAt: cutoff.AddDays(-1)));
        var atCutoff = await PipelineKit.InsertAsync(factory.Db, user.Id, "completed", createdAt: cutoff.AddDays(-30), completedAt: cutoff);
        var stillRunning = await PipelineKit.InsertAsync(factory.Db, user.Id, "processing", createdAt: cutoff.AddDays(-30));

        var result = await (await admin.Client.PostAsync("/api/pipelines/cleanup", Http.Json($$"""{"olderThan":"{{cutoff:O}}"}""")))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(5, result.GetProperty("deleted").GetInt64());
        foreach (var id in doomed) Assert.False(await ExistsAsync(id));
        Assert.True(await ExistsAsync(atCutoff));
        Assert.True(await ExistsAsync(stillRunning));

        var again = await (await admin.Client.PostAsync("/api/pipelines/cleanup", Http.Json($$"""{"olderThan":"{{cutoff:O}}"}""")))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("deleted").GetInt64());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"olderThan":null}""")]
    [InlineData("""{"olderThan":"yesterday"}""")]
    [InlineData("""{"olderThan":"2999-01-01T00:00:00Z"}""")]
    [InlineData("""{"olderThan":"2020-01-01T00:00:00Z","status":"failed"}""")]
    public async Task Cleanup_rejects_bad_bodies_and_deletes_nothing(string body)
    {
        var admin = await factory.SignInAsync(admin: true);
        var user = await factory.SignInAsync();
        var finished = await PipelineKit.InsertAsync(factory.Db, user.Id, "completed", completedAt: new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await (await admin.Client.PostAsync("/api/pipelines/cleanup", Http.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(await ExistsAsync(finished));
        await factory.Db.ExecuteAsync("DELETE FROM generation_pipelines WHERE id = $1", finished);
    }
}
