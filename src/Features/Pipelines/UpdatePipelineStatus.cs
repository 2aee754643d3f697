using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
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

    public static async Task<Results<Ok<Pipeline>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var to = request.Status!.Value;
        var (outcome, row, stages) = await UpdateAsync(db, id, user.Id, user.IsAdmin, to, request.Error, request.ErrorStage,
            request.ErrorDetails, request.Results, ETags.IfMatch(http.Request), ct);
        return outcome switch
        {
            200 => PipelineWrites.Ok(http.Response, row!, stages),
            404 => TypedResults.NotFound(),
            412 => PipelineWrites.Stale(),
            400 => PipelineWrites.UnknownStage("errorStage", stages),
            _ => Problems.Status(StatusCodes.Status409Conflict, Conflict(row!.Status, to)),
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
                   CASE status WHEN 'initializing' THEN $4 IN ('processing', 'failed', 'cancelled')
                               WHEN 'processing' THEN $4 IN ('completed', 'failed', 'cancelled')
                               ELSE false END AS legal,
                   ($6::text IS NULL OR EXISTS (SELECT FROM pipeline_stages s
                                                WHERE s.pipeline_id = generation_pipelines.id AND s.stage_name = $6)) AS stage_known
            FROM generation_pipelines
            WHERE id = $1 AND (user_id = $2 OR $3)
            FOR NO KEY UPDATE
        ), updated AS (
            UPDATE generation_pipelines p
            SET status = $4,
                started_at = CASE WHEN $4 = 'processing' THEN now() ELSE p.started_at END,
                completed_at = CASE WHEN $4 IN {PipelineSql.Terminal} THEN now() ELSE p.completed_at END,
                progress = CASE WHEN $4 = 'completed' THEN 100 ELSE p.progress END,
                error = COALESCE($5, p.error),
                error_stage = COALESCE($6, p.error_stage),
                error_details = COALESCE($7, p.error_details),
                results = COALESCE($8, p.results)
            FROM target t
            WHERE p.id = t.id AND ($9::bigint IS NULL OR t.version = $9) AND t.legal AND t.stage_known
            RETURNING p.id
        )
        SELECT CASE
            WHEN EXISTS (SELECT FROM updated) THEN 200
            WHEN NOT EXISTS (SELECT FROM target) THEN 404
            WHEN $9::bigint IS NOT NULL AND (SELECT version FROM target) <> $9 THEN 412
            WHEN NOT (SELECT stage_known FROM target) THEN 400
            ELSE 409
        END
        """, PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(int, PipelineRow?, List<StageRow>)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, PipelineStatus status, string? error, string? errorStage, JsonElement? errorDetails,
        JsonElement? results, long? ifMatch, CancellationToken ct);
}
