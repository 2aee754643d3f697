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
/// PATCH /api/pipelines/{id}/status: the pipeline's state machine. initializing → processing | failed | cancelled;
/// processing → completed | failed | cancelled; completed, failed and cancelled are final. Entering processing
/// stamps started_at, entering a final state completed_at (and completed sets progress to 100); error, errorStage,
/// errorDetails and results are stored when given. Anything else is a 409 that changes nothing.
/// </summary>
public static partial class UpdatePipelineStatus
{
    /// <summary>A move through the state machine; the fields besides status are kept when omitted.</summary>
    /// <param name="Status">The new status. Allowed moves: initializing → processing | failed | cancelled; processing → completed | failed | cancelled. Final statuses are final (409).</param>
    /// <param name="Error">What went wrong (up to 10,000 characters), typically with status failed.</param>
    /// <param name="ErrorStage">The stage that failed; it must be one of the pipeline's stages.</param>
    /// <param name="ErrorDetails">Machine-readable failure details: a JSON object of at most 64 KiB.</param>
    /// <param name="Results">What the pipeline produced: a JSON object of at most 64 KiB.</param>
    public sealed record Request(
        PipelineStatus? Status, string? Error = null, string? ErrorStage = null, JsonElement? ErrorDetails = null,
        JsonElement? Results = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Status).NotNull();
            RuleFor(r => r.Error).MaximumLength(10_000);
            RuleFor(r => r.ErrorStage).NotEmpty().MaximumLength(100).When(r => r.ErrorStage is not null);
            RuleFor(r => r.ErrorDetails).SmallJsonObject();
            RuleFor(r => r.Results).SmallJsonObject();
        }
    }

    /// <summary>Where each state may go next (the SQL below encodes the same table).</summary>
    public static IReadOnlyList<PipelineStatus> NextStates(PipelineStatus from) => from switch
    {
        PipelineStatus.Initializing => [PipelineStatus.Processing, PipelineStatus.Failed, PipelineStatus.Cancelled],
        PipelineStatus.Processing => [PipelineStatus.Completed, PipelineStatus.Failed, PipelineStatus.Cancelled],
        _ => [],
    };

    /// <remarks>Moves the pipeline through its state machine (initializing → processing → completed | failed | cancelled), stamping startedAt and completedAt; completed sets progress to 100. An illegal move or a change to a final pipeline is a 409.</remarks>
    public static async Task<Results<Ok<Pipeline>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var to = request.Status!.Value;
        var (outcome, row, stages) = await UpdateAsync(db, id, user.Id, user.IsAdmin, to, request.Error, request.ErrorStage,
            request.ErrorDetails, request.Results, ETags.IfMatch(http.Request), ct);
        if (outcome == WriteOutcome.Done && NextStates(to).Count == 0) AppMetrics.PipelineFinished(PgEnumLabels<PipelineStatus>.Of(to));
        return outcome switch
        {
            WriteOutcome.Done => PipelineWrites.Ok(http.Response, row!, stages),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            WriteOutcome.Stale => Problems.Stale("pipeline"),
            WriteOutcome.Invalid => PipelineWrites.UnknownStage("errorStage", stages),
            _ => Problems.Conflict(Conflict(row!.Status, to)),
        };
    }

    private static string Conflict(PipelineStatus from, PipelineStatus to)
    {
        var next = NextStates(from);
        var label = PgEnumLabels<PipelineStatus>.Of(from);
        return next.Count == 0
            ? $"The pipeline is {label}, which is final: it cannot move to {PgEnumLabels<PipelineStatus>.Of(to)}."
            : $"The pipeline is {label}: it can move to {string.Join(", ", next.Select(PgEnumLabels<PipelineStatus>.Of))}, not {PgEnumLabels<PipelineStatus>.Of(to)}.";
    }

    // The transition table is judged on the locked row, so two workers racing to finish a pipeline cannot both win.
    [Query($"""
        WITH target AS (
            SELECT id, xmin::text::bigint AS version,
                   CASE status WHEN 'initializing' THEN @status IN ('processing', 'failed', 'cancelled')
                               WHEN 'processing' THEN @status IN ('completed', 'failed', 'cancelled')
                               ELSE false END AS legal,
                   (@errorStage::text IS NULL OR EXISTS (SELECT FROM pipeline_stages s
                                                WHERE s.pipeline_id = generation_pipelines.id AND s.stage_name = @errorStage)) AS stage_known
            FROM generation_pipelines
            WHERE id = @id AND (user_id = @userId OR @isAdmin)
            FOR NO KEY UPDATE
        ), updated AS (
            UPDATE generation_pipelines p
            SET status = @status,
                started_at = CASE WHEN @status = 'processing' THEN now() ELSE p.started_at END,
                completed_at = CASE WHEN @status IN {PipelineSql.Terminal} THEN now() ELSE p.completed_at END,
                progress = CASE WHEN @status = 'completed' THEN 100 ELSE p.progress END,
                error = COALESCE(@error, p.error),
                error_stage = COALESCE(@errorStage, p.error_stage),
                error_details = COALESCE(@errorDetails, p.error_details),
                results = COALESCE(@results, p.results)
            FROM target t
            WHERE p.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch)) AND t.legal AND t.stage_known
            RETURNING p.id
        )
        SELECT CASE
            WHEN EXISTS (SELECT FROM updated) THEN 'done'
            WHEN NOT EXISTS (SELECT FROM target) THEN 'not_found'
            WHEN @ifMatch::bigint[] IS NOT NULL AND (SELECT version FROM target) <> ALL(@ifMatch) THEN 'stale'
            WHEN NOT (SELECT stage_known FROM target) THEN 'invalid'
            ELSE 'conflict'
        END
        """, PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(WriteOutcome, PipelineRow?, List<StageRow>)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, PipelineStatus status, string? error, string? errorStage, JsonElement? errorDetails,
        JsonElement? results, long[]? ifMatch, CancellationToken ct);
}
