namespace AssetForge.Features.Pipelines;

/// <summary>
/// Settings of the pipeline maintenance jobs and the cleanup route: Pipelines:RetentionDays (30) keeps finished
/// pipelines that long after completed_at; Pipelines:JobIntervalSeconds (60) is how often each job runs;
/// Pipelines:JobBatchSize (1000) caps the rows one statement expires or deletes.
/// </summary>
public sealed class PipelineMaintenance(IConfiguration configuration)
{
    public TimeSpan Retention { get; } = TimeSpan.FromDays(Positive(configuration, "Pipelines:RetentionDays", 30));

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(Positive(configuration, "Pipelines:JobIntervalSeconds", 60));

    public int BatchSize { get; } = Positive(configuration, "Pipelines:JobBatchSize", 1000);

    private static int Positive(IConfiguration configuration, string key, int fallback)
    {
        var value = configuration.GetValue(key, fallback);
        return value > 0 ? value : throw new InvalidOperationException($"{key} must be a positive number, not {value}.");
    }
}
