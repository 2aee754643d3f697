using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// The Pipelines section, for the maintenance jobs and the cleanup route: RetentionDays keeps finished pipelines
/// that long after completed_at; JobIntervalSeconds is how often each job runs; JobBatchSize caps the rows one
/// statement expires or deletes.
/// </summary>
public sealed class PipelinesSettings
{
    public const string Section = "Pipelines";

    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 30;

    [Range(1, 86_400)]
    public int JobIntervalSeconds { get; set; } = 60;

    [Range(1, 1_000_000)]
    public int JobBatchSize { get; set; } = 1000;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);

    public TimeSpan Interval => TimeSpan.FromSeconds(JobIntervalSeconds);
}

/// <summary>
/// The Pipelines:Events section, for the event streams: a comment heartbeat every HeartbeatSeconds (one timer for the
/// process: each tick reaches every stream with no event waiting, so none is silent for longer),
/// RetryMilliseconds sent as the `retry:` hint, at most MaxStreamsPerUser streams per caller and MaxStreams per
/// process (RetryAfterSeconds in the 429 beyond them), ReadConcurrency pipelines read at once after a burst of changes.
/// </summary>
public sealed class PipelineEventSettings
{
    public const string Section = "Pipelines:Events";

    [Range(0.0, 3_600.0, MinimumIsExclusive = true)]
    public double HeartbeatSeconds { get; set; } = 15;

    [Range(1, 3_600_000)]
    public int RetryMilliseconds { get; set; } = 3_000;

    [Range(1, 1_000_000)]
    public int MaxStreamsPerUser { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 10_000;

    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 5;

    [Range(1, 256)]
    public int ReadConcurrency { get; set; } = 4;

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(HeartbeatSeconds);

    public TimeSpan Retry => TimeSpan.FromMilliseconds(RetryMilliseconds);
}

[OptionsValidator]
public sealed partial class PipelinesSettingsValidator : IValidateOptions<PipelinesSettings>;

[OptionsValidator]
public sealed partial class PipelineEventSettingsValidator : IValidateOptions<PipelineEventSettings>;
