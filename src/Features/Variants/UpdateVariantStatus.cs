using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// PATCH /api/variants/{id}/status: { status, error? } from the generation workers. Any status may follow any other
/// (a failed variant is retried, a completed one regenerated). completedAt is set when the variant becomes completed
/// (kept when it already was) and cleared when it leaves completed, so it always means "completed, at". The error
/// describes the status it came with: a change without one clears it. Statistics follow in the same transaction.
/// </summary>
public static partial class UpdateVariantStatus
{
    /// <summary>A new generation status.</summary>
    /// <param name="Status">The new status (required).</param>
    /// <param name="Error">What went wrong (up to 10,000 characters), typically with failed.</param>
    public sealed record Request(VariantStatus? Status, string? Error = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Status).NotNull().WithMessage($"'status' is required: one of {VariantStatuses.Allowed}.");
            RuleFor(r => r.Error).MaximumLength(10_000);
        }
    }

    /// <remarks>Sets the variant's generation status (and error); completing stamps completedAt. The base asset's statistics follow.</remarks>
    public static async Task<Results<Ok<Variant>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpRequest http, HttpResponse response, CancellationToken ct)
    {
        var (outcome, row) = await UpdateAsync(db, id, user.Id, user.IsAdmin, request.Status!.Value.Label(), request.Error,
            ETags.IfMatch(http), ct);
        return outcome switch
        {
            WriteOutcome.Done => VariantWrites.Ok(response, row!),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => Problems.Stale("variant"),
        };
    }

    // One round trip: the guarded update on the locked variant answers its outcome, then the variant is read back.
    [Query(
        $"""
        WITH target AS ({VariantSql.Target} FOR NO KEY UPDATE
        ), written AS (
            UPDATE asset_variants v
            SET generation_status = @status,
                generation_error = @error,
                completed_at = CASE WHEN @status = 'completed'
                                    THEN CASE WHEN v.generation_status = 'completed' THEN v.completed_at ELSE now() END
                               END
            FROM target t
            WHERE v.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch))
            RETURNING v.id
        )
        SELECT {VariantSql.Outcome}
        """,
        VariantSql.Visible)]
    private static partial Task<(WriteOutcome Outcome, VariantRow? Row)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        string status, string? error, long[]? ifMatch, CancellationToken ct);
}
