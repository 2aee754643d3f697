using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Pipelines;

/// <summary>A pipeline's lifecycle: initializing → processing → completed | failed | cancelled (the last three are final).</summary>
[PgEnum("pipeline_status")]
[JsonConverter(typeof(PgEnumJsonConverter<PipelineStatus>))]
public enum PipelineStatus
{
    Initializing,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>A stage's lifecycle: pending → processing → completed | failed | skipped.</summary>
[PgEnum("stage_status")]
[JsonConverter(typeof(PgEnumJsonConverter<StageStatus>))]
public enum StageStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
    Skipped,
}
