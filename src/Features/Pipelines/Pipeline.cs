using AssetForge.Infrastructure.Data;

namespace AssetForge.Features.Pipelines;

/// <summary>A generation_pipelines row with its row version: the ETag of the whole pipeline, stages included.</summary>
[DbRow]
public sealed partial record PipelineRow(
    Guid Id, Guid UserId, Guid? AssetId, StoredJson Config, PipelineStatus Status, int Progress, string? CurrentStage,
    string? Error, string? ErrorStage, StoredJson? ErrorDetails, StoredJson Results, string? MeshyTaskId,
    string? RiggingTaskId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt, [property: Column("xmin")] uint Version)
{
    /// <summary>The columns every pipeline query returns, in the order of the record.</summary>
    public const string Columns = """
        id, user_id, asset_id, config, status, progress, current_stage, error, error_stage, error_details, results,
        meshy_task_id, rigging_task_id, created_at, started_at, completed_at, updated_at, expires_at, xmin
        """;

    public Pipeline ToResponse(IReadOnlyList<StageRow> stages) => new(Id, UserId, AssetId, Config, Status, Progress,
        CurrentStage, Error, ErrorStage, ErrorDetails, Results, MeshyTaskId, RiggingTaskId, CreatedAt, StartedAt,
        CompletedAt, UpdatedAt, ExpiresAt, stages.Select(s => s.ToResponse()).ToArray());

    public PipelineSummary ToSummary() => new(Id, UserId, AssetId, Config, Status, Progress, CurrentStage, Error,
        ErrorStage, ErrorDetails, Results, MeshyTaskId, RiggingTaskId, CreatedAt, StartedAt, CompletedAt, UpdatedAt, ExpiresAt);
}

/// <summary>A pipeline_stages row.</summary>
[DbRow]
public sealed partial record StageRow(
    Guid Id, string StageName, int StageOrder, StageStatus Status, int Progress, StoredJson? Result, string? Error,
    StoredJson? ErrorDetails, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int? Duration)
{
    public PipelineStage ToResponse() => new(Id, StageName, StageOrder, Status, Progress, Result, Error, ErrorDetails,
        StartedAt, CompletedAt, Duration);
}

/// <summary>
/// The statements every pipeline-scoped route ends with, so a write answers with exactly what it stored. They take
/// @id (the pipeline), @userId (the caller) and @isAdmin: a member never sees another user's pipeline.
/// </summary>
public static class PipelineSql
{
    public const string Visible = $"""
        SELECT {PipelineRow.Columns}
        FROM generation_pipelines
        WHERE id = @id AND (user_id = @userId OR @isAdmin)
        """;

    public const string VisibleStages = """
        SELECT s.id, s.stage_name, s.stage_order, s.status, s.progress, s.result, s.error, s.error_details,
               s.started_at, s.completed_at, s.duration
        FROM pipeline_stages s
        JOIN generation_pipelines p ON p.id = s.pipeline_id
        WHERE s.pipeline_id = @id AND (p.user_id = @userId OR @isAdmin)
        ORDER BY s.stage_order
        """;

    /// <summary>The states no transition leaves (SQL list, for WHERE clauses).</summary>
    public const string Terminal = "('completed', 'failed', 'cancelled')";

    /// <summary>The states a pipeline is still running in.</summary>
    public const string Running = "('initializing', 'processing')";
}

/// <summary>A pipeline as the API shows it: the row, and its stages in order.</summary>
/// <param name="Id">The pipeline's id (UUID v7, so ids sort by creation time).</param>
/// <param name="UserId">The user the pipeline belongs to.</param>
/// <param name="AssetId">The asset this pipeline generates or refines, if any.</param>
/// <param name="Config">The generation settings given at creation, as given (a JSON object).</param>
/// <param name="Status">Where the pipeline stands: initializing → processing → completed | failed | cancelled (final).</param>
/// <param name="Progress">Overall progress in percent (0..100); 100 once completed.</param>
/// <param name="CurrentStage">The name of the stage running now, as last reported; null before the first report.</param>
/// <param name="Error">What went wrong, once the pipeline failed; null otherwise.</param>
/// <param name="ErrorStage">The stage that failed, once the pipeline failed; null otherwise.</param>
/// <param name="ErrorDetails">Machine-readable failure details (a JSON object) as reported; null when none.</param>
/// <param name="Results">What the pipeline produced (a JSON object, `{}` until reported), e.g. the model and texture URLs.</param>
/// <param name="MeshyTaskId">The Meshy task id of the mesh generation, when linked (GET /api/pipelines/by-meshy-task/{taskId} finds it).</param>
/// <param name="RiggingTaskId">The rigging service's task id, when linked.</param>
/// <param name="CreatedAt">When the pipeline was created (UTC, microseconds).</param>
/// <param name="StartedAt">When it entered processing; null before.</param>
/// <param name="CompletedAt">When it reached a final status; null before.</param>
/// <param name="UpdatedAt">When it last changed, a stage write included.</param>
/// <param name="ExpiresAt">When a pipeline still running is expired (marked failed) by the maintenance job; 24 h after creation unless given.</param>
/// <param name="Stages">Its stages in run order (by `order`).</param>
public sealed record Pipeline(
    Guid Id, Guid UserId, Guid? AssetId, StoredJson Config, PipelineStatus Status, int Progress, string? CurrentStage,
    string? Error, string? ErrorStage, StoredJson? ErrorDetails, StoredJson Results, string? MeshyTaskId,
    string? RiggingTaskId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt, IReadOnlyList<PipelineStage> Stages);

/// <summary>A pipeline in a list: everything but its stages (GET /api/pipelines/{id} has them).</summary>
/// <param name="Id">The pipeline's id (UUID v7, so ids sort by creation time).</param>
/// <param name="UserId">The user the pipeline belongs to.</param>
/// <param name="AssetId">The asset this pipeline generates or refines, if any.</param>
/// <param name="Config">The generation settings given at creation, as given (a JSON object).</param>
/// <param name="Status">Where the pipeline stands: initializing → processing → completed | failed | cancelled (final).</param>
/// <param name="Progress">Overall progress in percent (0..100); 100 once completed.</param>
/// <param name="CurrentStage">The name of the stage running now, as last reported; null before the first report.</param>
/// <param name="Error">What went wrong, once the pipeline failed; null otherwise.</param>
/// <param name="ErrorStage">The stage that failed, once the pipeline failed; null otherwise.</param>
/// <param name="ErrorDetails">Machine-readable failure details (a JSON object) as reported; null when none.</param>
/// <param name="Results">What the pipeline produced (a JSON object, `{}` until reported), e.g. the model and texture URLs.</param>
/// <param name="MeshyTaskId">The Meshy task id of the mesh generation, when linked (GET /api/pipelines/by-meshy-task/{taskId} finds it).</param>
/// <param name="RiggingTaskId">The rigging service's task id, when linked.</param>
/// <param name="CreatedAt">When the pipeline was created (UTC, microseconds).</param>
/// <param name="StartedAt">When it entered processing; null before.</param>
/// <param name="CompletedAt">When it reached a final status; null before.</param>
/// <param name="UpdatedAt">When it last changed, a stage write included.</param>
/// <param name="ExpiresAt">When a pipeline still running is expired (marked failed) by the maintenance job; 24 h after creation unless given.</param>
public sealed record PipelineSummary(
    Guid Id, Guid UserId, Guid? AssetId, StoredJson Config, PipelineStatus Status, int Progress, string? CurrentStage,
    string? Error, string? ErrorStage, StoredJson? ErrorDetails, StoredJson Results, string? MeshyTaskId,
    string? RiggingTaskId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt);

/// <summary>One stage: <c>order</c> is its position in the create request (0-based), <c>durationMs</c> completed − started.</summary>
/// <param name="Id">The stage's id (address it in PATCH /api/pipelines/{id}/stages/{stageId}).</param>
/// <param name="Name">The stage's name, unique within its pipeline.</param>
/// <param name="Order">Its 0-based position in the run order (the order of the create request).</param>
/// <param name="Status">Where the stage stands: pending → processing → completed | failed | skipped.</param>
/// <param name="Progress">The stage's progress in percent (0..100).</param>
/// <param name="Result">What the stage produced (any JSON), as reported; null until then.</param>
/// <param name="Error">What went wrong, when the stage failed; null otherwise.</param>
/// <param name="ErrorDetails">Machine-readable failure details (a JSON object); null when none.</param>
/// <param name="StartedAt">When the stage entered processing (database clock); null before.</param>
/// <param name="CompletedAt">When the stage reached completed, failed or skipped (database clock); null before.</param>
/// <param name="DurationMs">completedAt − startedAt in milliseconds; null until both are set.</param>
public sealed record PipelineStage(
    Guid Id, string Name, int Order, StageStatus Status, int Progress, StoredJson? Result, string? Error,
    StoredJson? ErrorDetails, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int? DurationMs);
