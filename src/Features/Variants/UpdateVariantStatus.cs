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
    public sealed record Request(VariantStatus? Status, string? Error = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Status).NotNull().WithMessage($"'status' is required: one of {VariantStatuses.Allowed}.");
            RuleFor(r => r.Error).MaximumLength(10_000);
        }
    }

    public static async Task<Results<Ok<Variant>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpRequest http, HttpResponse response, CancellationToken ct)
    {
        var (row, visible) = await UpdateAsync(db, id, user.Id, user.IsAdmin, request.Status!.Value.Label(), request.Error,
            ETags.IfMatch(http), ct);
        if (row is null) return visible ? VariantProblems.Stale() : TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    // One round trip: the guarded update, then whether the variant is there at all (404 versus 412).
    [Query(
        $"""
        UPDATE asset_variants v
        SET generation_status = @status,
            generation_error = @error,
            completed_at = CASE WHEN @status = 'completed'
                                THEN CASE WHEN v.generation_status = 'completed' THEN v.completed_at ELSE now() END
                           END
        FROM assets a
        WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin) AND a.id = v.variant_asset_id
          AND (@ifMatch::bigint IS NULL OR v.xmin::text::bigint = @ifMatch)
        RETURNING {VariantRow.Columns}
        """,
        "SELECT EXISTS (SELECT FROM asset_variants v WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin))")]
    private static partial Task<(VariantRow? Row, bool Visible)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        string status, string? error, long? ifMatch, CancellationToken ct);
}
