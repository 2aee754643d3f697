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

[OptionsValidator]
public sealed partial class PipelinesSettingsValidator : IValidateOptions<PipelinesSettings>;
