using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;
using Npgsql;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>Arranging pipelines over HTTP (as clients do) or directly in the table (for volumes and timestamps).</summary>
internal static class PipelineKit
{
    public sealed record Created(Guid Id, JsonElement Body, string ETag)
    {
        public Guid StageId(int order) => Body.GetProperty("stages")[order].GetProperty("id").GetGuid();
    }

    public static async Task<Created> CreateAsync(TestUser user, string stages = """["mesh","texture","rig"]""", string extra = "")
    {
        var names = JsonDocument.Parse(stages).RootElement.EnumerateArray().Select(s => $$"""{"name":{{s.GetRawText()}}}""");
        var response = await user.Client.PostAsync("/api/pipelines",
            Http.Json($$"""{"config":{"model":"3d-character"},"stages":[{{string.Join(",", names)}}]{{extra}}}"""));
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        return new Created(body.GetProperty("id").GetGuid(), body, response.Headers.ETag!.ToString());
    }

    public static async Task<Created> CreateProcessingAsync(TestUser user, string stages = """["mesh","texture","rig"]""")
    {
        var created = await CreateAsync(user, stages);
        var response = await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"processing"}""");
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        return created with { Body = body, ETag = response.Headers.ETag!.ToString() };
    }

    /// <summary>The pipeline's status as stored, read past the API.</summary>
    public static Task<string> StatusAsync(NpgsqlDataSource db, Guid id) =>
        db.ScalarAsync<string>("SELECT status::text FROM generation_pipelines WHERE id = $1", id);

    /// <summary>Inserts a pipeline row (no stages) straight into the table and returns its id.</summary>
    public static async Task<Guid> InsertAsync(NpgsqlDataSource db, Guid userId, string status = "initializing",
        DateTimeOffset? createdAt = null, DateTimeOffset? completedAt = null, DateTimeOffset? expiresAt = null,
        DateTimeOffset? startedAt = null, string? currentStage = null, string? meshyTaskId = null)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO generation_pipelines (id, user_id, config, status, created_at, started_at, completed_at, expires_at,
                                              current_stage, meshy_task_id)
            VALUES ($1, $2, '{}', $3::pipeline_status, COALESCE($4, now()), $5, $6, $7, $8, $9)
            """, id, userId, status, (object?)createdAt ?? DBNull.Value, (object?)startedAt ?? DBNull.Value,
            (object?)completedAt ?? DBNull.Value, (object?)expiresAt ?? DBNull.Value, currentStage, meshyTaskId);
        return id;
    }

    /// <summary>
    /// Starts every request while a test transaction holds the pipeline's row lock, waits until they are all queued
    /// behind it in PostgreSQL (and <paramref name="keepQueued"/> longer, for a statement that must be slow), then lets
    /// them go at once: the writes really race instead of trickling in one by one.
    /// </summary>
    public static async Task<HttpResponseMessage[]> RaceAsync(NpgsqlDataSource db, Guid pipelineId,
        IReadOnlyList<Func<Task<HttpResponseMessage>>> requests, TimeSpan keepQueued = default)
    {
        await using var blocker = await db.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM generation_pipelines WHERE id = $1 FOR UPDATE", blocker, transaction))
        {
            hold.Parameters.Add(new NpgsqlParameter { Value = pipelineId });
            await hold.ExecuteNonQueryAsync();
        }
        var tasks = requests.Select(r => Task.Run(r)).ToArray();
        for (var polls = 0; ; polls++)
        {
            var waiting = await db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
            if (waiting >= requests.Count || tasks.Any(t => t.IsCompleted)) break; // a finished request did not queue: assertions will say why
            if (polls > 3000) throw new Xunit.Sdk.XunitException($"Only {waiting} of {requests.Count} requests ever queued behind the lock.");
            await Task.Delay(10);
        }
        if (keepQueued > TimeSpan.Zero) await Task.Delay(keepQueued);
        await transaction.RollbackAsync();
        return await Task.WhenAll(tasks);
    }
}
