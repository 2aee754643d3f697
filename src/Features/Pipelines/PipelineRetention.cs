using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// <see cref="Job"/>: every Pipelines:JobIntervalSeconds, deletes the terminal pipelines that completed more than Pipelines:RetentionDays
/// ago, in batches (the statement POST /api/pipelines/cleanup uses).
/// </summary>
public static partial class PipelineRetention
{
    public sealed class Job(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> jobs, IOptions<PipelinesSettings> options, TimeProvider clock,
        ILogger<Job> logger) : RecurringJob(db, schema, jobs, clock, logger)
    {
        private readonly PipelinesSettings _settings = options.Value;

        protected override string Name => "pipelines.retention";

        protected override TimeSpan Interval => _settings.Interval;

        protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            var deleted = await CleanupPipelines.DeleteTerminalAsync(connection, Clock.GetUtcNow() - _settings.Retention,
                _settings.JobBatchSize, ct);
            if (deleted > 0) LogDeleted(logger, deleted, _settings.RetentionDays);
            return deleted;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} pipelines finished more than {Days} days ago")]
    private static partial void LogDeleted(ILogger logger, long count, int days);
}
