using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// Retention of raw errors. <see cref="Job"/> deletes errors older than Errors:RetentionDays (default 90; 0
/// keeps everything) in batches of Errors:RetentionBatchSize, and forgets which of those hours were aggregated (the
/// aggregation job never looks that far back). The aggregations themselves are kept: they are the long-term record.
/// </summary>
public static partial class ErrorRetention
{
    [Execute("DELETE FROM error_aggregation_hours WHERE hour_bucket < @before")]
    private static partial Task<int> ForgetAggregatedHoursAsync(NpgsqlConnection connection, DateTimeOffset before, CancellationToken ct);

    /// <summary>Runs every Errors:RetentionIntervalSeconds (default an hour) on one replica at a time.</summary>
    public sealed partial class Job(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> jobs, IOptions<ErrorsSettings> options, TimeProvider clock,
        ILogger<Job> logger) : RecurringJob(db, schema, jobs, clock, logger)
    {
        private readonly ErrorsSettings _settings = options.Value;

        protected override string Name => "errors.retention";

        protected override TimeSpan Interval => TimeSpan.FromSeconds(_settings.RetentionIntervalSeconds);

        protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            if (_settings.RetentionDays == 0) return 0;
            var cutoff = Clock.GetUtcNow().AddDays(-_settings.RetentionDays);
            var deleted = await DeleteOldErrors.DeleteInBatchesAsync(connection, cutoff, resolvedOnly: false, _settings.RetentionBatchSize, ct);
            await ForgetAggregatedHoursAsync(connection, AggregateErrors.FloorHour(cutoff), ct);
            if (deleted > 0) LogDeleted(logger, deleted, cutoff);
            return deleted;
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Deleted} error(s) created before {Cutoff:o}")]
        private static partial void LogDeleted(ILogger logger, long deleted, DateTimeOffset cutoff);
    }
}
