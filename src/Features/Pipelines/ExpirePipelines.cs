using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Jobs;
using AssetForge.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// <see cref="Job"/>: every Pipelines:JobIntervalSeconds, fails the running pipelines whose expires_at has passed: status failed,
/// error "expired", error_stage = the stage it was in, completed_at now (so retention later removes it too).
/// Its stages are left as they were, showing where it stopped.
/// </summary>
public static partial class ExpirePipelines
{
    public sealed class Job(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> jobs, IOptions<PipelinesSettings> options,
        TimeProvider clock, ILogger<Job> logger) : RecurringJob(db, schema, jobs, clock, logger)
    {
        private readonly PipelinesSettings _settings = options.Value;

        protected override string Name => "pipelines.expire";

        protected override TimeSpan Interval => _settings.Interval;

        protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            long total = 0;
            int expired;
            do
            {
                expired = await ExpireBatchAsync(connection, _settings.JobBatchSize, ct);
                total += expired;
            }
            while (expired == _settings.JobBatchSize);
            if (total > 0)
            {
                LogExpired(logger, total);
                AppMetrics.PipelinesFinished.Add(total, new KeyValuePair<string, object?>("status", "failed"));
            }
            return total;
        }
    }

    // SKIP LOCKED: a pipeline a worker is updating right now is judged again on the next run.
    [Execute($"""
        UPDATE generation_pipelines p
        SET status = 'failed', error = 'expired', error_stage = p.current_stage, completed_at = now()
        FROM (SELECT id FROM generation_pipelines
              WHERE status IN {PipelineSql.Running} AND expires_at < now()
              ORDER BY expires_at
              LIMIT @batchSize
              FOR NO KEY UPDATE SKIP LOCKED) due
        WHERE p.id = due.id
        """)]
    private static partial Task<int> ExpireBatchAsync(NpgsqlConnection connection, int batchSize, CancellationToken ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} pipelines past their expires_at")]
    private static partial void LogExpired(ILogger logger, long count);
}
