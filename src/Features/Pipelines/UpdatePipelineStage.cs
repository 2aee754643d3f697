using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using AssetForge.Infrastructure.Telemetry;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// PATCH /api/pipelines/{id}/stages/{stageId}: a stage's status (pending → processing | skipped; processing →
/// completed | failed | skipped; the last three final), progress, result, error and errorDetails. The database clock
/// stamps startedAt (entering processing), completedAt and durationMs (entering a final state); completed sets
/// progress to 100 unless the request gives one. The pipeline's updated_at, and so its ETag, moves with every stage
/// write: If-Match takes the pipeline's ETag, and the answer is the whole pipeline.
/// </summary>
public static partial class UpdatePipelineStage
{
    /// <summary>Changes to one stage; send at least one field. The database clock stamps start, end and duration.</summary>
    /// <param name="Status">The stage's new status (pending, processing, completed, failed, skipped).</param>
    /// <param name="Progress">The stage's progress in percent, 0..100.</param>
    /// <param name="Result">What the stage produced: any JSON value of at most 64 KiB.</param>
    /// <param name="Error">What went wrong (up to 10,000 characters).</param>
    /// <param name="ErrorDetails">Machine-readable failure details: a JSON object of at most 64 KiB.</param>
    public sealed record Request(
        StageStatus? Status = null, int? Progress = null, JsonElement? Result = null, string? Error = null,
        JsonElement? ErrorDetails = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r).Must(r => r.Status is not null || r.Progress is not null || r.Result is not null
                                      || r.Error is not null || r.ErrorDetails is not null)
                .WithName("body").OverridePropertyName("body")
                .WithMessage("Give at least one of status, progress, result, error, errorDetails.");
            RuleFor(r => r.Progress).InclusiveBetween(0, 100);
            RuleFor(r => r.Error).MaximumLength(10_000);
            RuleFor(r => r.Result).SmallJson();
            RuleFor(r => r.ErrorDetails).SmallJsonObject();
        }
    }

    /// <summary>Where each stage state may go next (the SQL below encodes the same table).</summary>
    public static IReadOnlyList<StageStatus> NextStates(StageStatus from) => from switch
    {
        StageStatus.Pending => [StageStatus.Processing, StageStatus.Skipped],
        StageStatus.Processing => [StageStatus.Completed, StageStatus.Failed, StageStatus.Skipped],
        _ => [],
    };

    /// <remarks>Updates one stage's status, progress, result or error. The database clock stamps startedAt when it starts processing, completedAt and durationMs when it ends. Takes the pipeline's ETag in If-Match, and answers the whole pipeline with its new ETag.</remarks>
    public static async Task<Results<Ok<Pipeline>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Guid stageId, Request request, CurrentUser user, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (outcome, row, stages) = await UpdateAsync(db, id, user.Id, user.IsAdmin, stageId, request.Status, request.Progress,
            request.Result, request.Error, request.ErrorDetails, ETags.IfMatch(http.Request), ct);
        if (outcome == WriteOutcome.Done && request.Status is { } to && NextStates(to).Count == 0)
            AppMetrics.StageFinished(PgEnumLabels<StageStatus>.Of(to), stages.FirstOrDefault(s => s.Id == stageId)?.Duration);
        return outcome switch
        {
            WriteOutcome.Done => PipelineWrites.Ok(http.Response, row!, stages),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            WriteOutcome.Stale => Problems.Stale("pipeline"),
            _ => Problems.Conflict(Conflict(row!, stages.First(s => s.Id == stageId), request.Status)),
        };
    }

    private static string Conflict(PipelineRow pipeline, StageRow stage, StageStatus? to)
    {
        if (pipeline.Status is not (PipelineStatus.Initializing or PipelineStatus.Processing))
            return $"The pipeline is {PgEnumLabels<PipelineStatus>.Of(pipeline.Status)}: its stages can no longer change.";
        var label = PgEnumLabels<StageStatus>.Of(stage.Status);
        var next = NextStates(stage.Status);
        if (next.Count == 0) return $"Stage '{stage.StageName}' is {label}, which is final: it can no longer change.";
        return $"Stage '{stage.StageName}' is {label}: it can move to {string.Join(", ", next.Select(PgEnumLabels<StageStatus>.Of))}, not {PgEnumLabels<StageStatus>.Of(to!.Value)}.";
    }

    // Lock order is always pipeline, then stage (target is joined before any stage row is written), so stage writes
    // on one pipeline queue behind each other instead of deadlocking. The stage's own state is judged in the UPDATE's
    // WHERE, which PostgreSQL re-evaluates on the newest row version after waiting: a stale snapshot cannot let an
    // illegal transition through, and COALESCE keeps the fields this request does not set, so none is lost.
    [Query($"""
        WITH target AS (
            SELECT id, xmin::text::bigint AS version, status IN {PipelineSql.Running} AS running
            FROM generation_pipelines
            WHERE id = @id AND (user_id = @userId OR @isAdmin)
            FOR NO KEY UPDATE
        ), stage AS (
            UPDATE pipeline_stages s
            SET status = COALESCE(@status, s.status),
                progress = COALESCE(@progress, CASE WHEN @status = 'completed' THEN 100 ELSE s.progress END),
                result = COALESCE(@result, s.result),
                error = COALESCE(@error, s.error),
                error_details = COALESCE(@errorDetails, s.error_details),
                started_at = CASE WHEN @status = 'processing' THEN now() ELSE s.started_at END,
                completed_at = CASE WHEN @status IN ('completed', 'failed', 'skipped') THEN now() ELSE s.completed_at END,
                duration = CASE WHEN @status IN ('completed', 'failed', 'skipped')
                                THEN round(extract(epoch FROM now() - s.started_at) * 1000)::integer
                                ELSE s.duration END
            FROM target t
            WHERE s.id = @stageId AND s.pipeline_id = t.id
              AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch)) AND t.running
              AND CASE s.status WHEN 'pending' THEN @status IS NULL OR @status IN ('processing', 'skipped')
                                WHEN 'processing' THEN @status IS NULL OR @status IN ('completed', 'failed', 'skipped')
                                ELSE false END
            RETURNING s.pipeline_id
        ), touched AS (
            UPDATE generation_pipelines p SET updated_at = now() FROM stage WHERE p.id = stage.pipeline_id
            RETURNING p.id
        )
        SELECT CASE
            WHEN EXISTS (SELECT FROM touched) THEN 'done'
            WHEN NOT EXISTS (SELECT FROM target)
              OR NOT EXISTS (SELECT FROM pipeline_stages WHERE id = @stageId AND pipeline_id = @id) THEN 'not_found'
            WHEN @ifMatch::bigint[] IS NOT NULL AND (SELECT version FROM target) <> ALL(@ifMatch) THEN 'stale'
            ELSE 'conflict'
        END
        """, PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(WriteOutcome, PipelineRow?, List<StageRow>)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, Guid stageId, StageStatus? status, int? progress, JsonElement? result, string? error,
        JsonElement? errorDetails, long[]? ifMatch, CancellationToken ct);
}
