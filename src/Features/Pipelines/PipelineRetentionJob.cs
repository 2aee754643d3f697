using AssetForge.Infrastructure.Jobs;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// Every Pipelines:JobIntervalSeconds, deletes the terminal pipelines that completed more than Pipelines:RetentionDays
/// ago, in batches (the statement POST /api/pipelines/cleanup uses).
/// </summary>
public sealed partial class PipelineRetentionJob(NpgsqlDataSource db, IConfiguration configuration, PipelineMaintenance settings,
    ILogger<PipelineRetentionJob> logger) : RecurringJob(db, configuration, logger)
{
    protected override string Name => "pipelines.retention";

    protected override TimeSpan Interval => settings.Interval;

    protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var deleted = await CleanupPipelines.DeleteTerminalAsync(connection, DateTimeOffset.UtcNow - settings.Retention, settings.BatchSize, ct);
        if (deleted > 0) LogDeleted(logger, deleted, settings.Retention.TotalDays);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} pipelines finished more than {Days} days ago")]
    private static partial void LogDeleted(ILogger logger, long count, double days);
}
