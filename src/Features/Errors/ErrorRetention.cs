using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Jobs;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// Retention of raw errors. <see cref="Job"/> deletes errors older than Errors:RetentionDays (default 90; 0 or less
/// keeps everything) in batches of Errors:RetentionBatchSize, and forgets which of those hours were aggregated (the
/// aggregation job never looks that far back). The aggregations themselves are kept: they are the long-term record.
/// </summary>
public static partial class ErrorRetention
{
    public const int DefaultRetentionDays = 90;

    public static int RetentionDays(IConfiguration configuration) =>
        configuration.GetValue("Errors:RetentionDays", DefaultRetentionDays);

    [Execute("DELETE FROM error_aggregation_hours WHERE hour_bucket < @before")]
    private static partial Task<int> ForgetAggregatedHoursAsync(NpgsqlConnection connection, DateTimeOffset before, CancellationToken ct);

    /// <summary>Runs every Errors:RetentionIntervalSeconds (default an hour) on one replica at a time.</summary>
    public sealed partial class Job(NpgsqlDataSource db, IConfiguration configuration, TimeProvider clock, ILogger<Job> logger)
        : RecurringJob(db, configuration, logger)
    {
        private readonly int _retentionDays = RetentionDays(configuration);
        private readonly int _batchSize = DeleteOldErrors.BatchSize(configuration);

        protected override string Name => "errors.retention";

        protected override TimeSpan Interval { get; } =
            TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Errors:RetentionIntervalSeconds", 3600)));

        protected override async Task RunAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            if (_retentionDays <= 0) return;
            var cutoff = clock.GetUtcNow().AddDays(-_retentionDays);
            var deleted = await DeleteOldErrors.DeleteInBatchesAsync(connection, cutoff, resolvedOnly: false, _batchSize, ct);
            await ForgetAggregatedHoursAsync(connection, AggregateErrors.FloorHour(cutoff), ct);
            if (deleted > 0) LogDeleted(logger, deleted, cutoff);
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Deleted} error(s) created before {Cutoff:o}")]
        private static partial void LogDeleted(ILogger logger, long deleted, DateTimeOffset cutoff);
    }
}
