using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// PATCH /api/pipelines/{id}/progress: <c>{ progress 0..100, currentStage? }</c> on a running pipeline. The last
/// write wins (a retried stage may go back); currentStage must name one of the pipeline's stages.
/// </summary>
public static partial class UpdatePipelineProgress
{
    /// <summary>New progress for a running pipeline.</summary>
    /// <param name="Progress">Overall progress in percent, 0..100 (required).</param>
    /// <param name="CurrentStage">The name of the stage running now; it must be one of the pipeline's stages.</param>
    public sealed record Request(int? Progress, string? CurrentStage = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Progress).NotNull().InclusiveBetween(0, 100);
            RuleFor(r => r.CurrentStage).NotEmpty().MaximumLength(100).When(r => r.CurrentStage is not null);
        }
    }

    /// <remarks>Sets the overall progress (0..100) and optionally the current stage of an initializing or processing pipeline; a final pipeline is a 409. If-Match guards against overwriting a change the caller has not seen (412).</remarks>
    public static async Task<Results<Ok<Pipeline>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (outcome, row, stages) = await UpdateAsync(db, id, user.Id, user.IsAdmin, request.Progress!.Value,
            request.CurrentStage, ETags.IfMatch(http.Request), ct);
        return outcome switch
        {
            WriteOutcome.Done => PipelineWrites.Ok(http.Response, row!, stages),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            WriteOutcome.Stale => Problems.Stale("pipeline"),
            WriteOutcome.Invalid => PipelineWrites.UnknownStage("currentStage", stages),
            _ => Problems.Conflict($"The pipeline is {PgEnumLabels<PipelineStatus>.Of(row!.Status)}: its progress can no longer change."),
        };
    }

    // One statement decides: it locks the pipeline, so the version and status it judges are the ones it writes over,
    // and answers with the outcome it reached. The read-back runs in the same transaction.
    [Query($"""
        WITH target AS (
            SELECT id, xmin::text::bigint AS version, status IN {PipelineSql.Running} AS running,
                   (@currentStage::text IS NULL OR EXISTS (SELECT FROM pipeline_stages s
                                                WHERE s.pipeline_id = generation_pipelines.id AND s.stage_name = @currentStage)) AS stage_known
            FROM generation_pipelines
            WHERE id = @id AND (user_id = @userId OR @isAdmin)
            FOR NO KEY UPDATE
        ), updated AS (
            UPDATE generation_pipelines p
            SET progress = @progress, current_stage = COALESCE(@currentStage, p.current_stage)
            FROM target t
            WHERE p.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch)) AND t.running AND t.stage_known
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
        bool isAdmin, int progress, string? currentStage, long[]? ifMatch, CancellationToken ct);
}
