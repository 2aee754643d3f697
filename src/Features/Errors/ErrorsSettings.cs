using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssetForge.Features.Errors;

/// <summary>The Errors section: retention, the jobs' schedules and the unhandled-exception queue.</summary>
public sealed class ErrorsSettings
{
    public const string Section = "Errors";

    /// <summary>Raw errors older than this are deleted by the retention job; 0 keeps everything.</summary>
    [Range(0, 36_500)]
    public int RetentionDays { get; set; } = 90;

    [Range(1, 604_800)]
    public int RetentionIntervalSeconds { get; set; } = 3600;

    [Range(1, 604_800)]
    public int AggregationIntervalSeconds { get; set; } = 300;

    /// <summary>Rows one retention statement deletes (the job's and DELETE /api/errors').</summary>
    [Range(1, 1_000_000)]
    public int RetentionBatchSize { get; set; } = 5_000;

    /// <summary>Unhandled exceptions waiting to be written; past it the oldest gives way.</summary>
    [Range(1, 1_000_000)]
    public int UnhandledQueueCapacity { get; set; } = 1_000;
}

[OptionsValidator]
public sealed partial class ErrorsSettingsValidator : IValidateOptions<ErrorsSettings>;
