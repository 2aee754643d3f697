using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// DELETE /api/variants/{id}: 204 only when a row really went (RETURNING says so, not a row count), 404 when there was
/// none to delete, 412 on a stale If-Match. The variant asset stays (it is the product's asset); the base asset's
/// statistics are recounted in the same transaction.
/// </summary>
public static partial class DeleteVariant
{
    /// <remarks>Deletes a variant (its asset stays). With If-Match it deletes only the version the caller read (else 412). The base asset's statistics follow.</remarks>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, CurrentUser user, NpgsqlDataSource db, HttpRequest http, CancellationToken ct)
    {
        return await DeleteAsync(db, id, user.Id, user.IsAdmin, ETags.IfMatch(http), ct) switch
        {
            WriteOutcome.Done => TypedResults.NoContent(),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => Problems.Stale("variant"),
        };
    }

    // The variant is locked first, so the version compared with If-Match is the one deleted.
    [Query($"""
        WITH target AS ({VariantSql.Target} FOR UPDATE
        ), written AS (
            DELETE FROM asset_variants v USING target t
            WHERE v.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch))
            RETURNING v.id
        )
        SELECT {VariantSql.Outcome}
        """)]
    private static partial Task<WriteOutcome> DeleteAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        long[]? ifMatch, CancellationToken ct);
}
