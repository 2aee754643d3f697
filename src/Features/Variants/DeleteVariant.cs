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
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, CurrentUser user, NpgsqlDataSource db, HttpRequest http, CancellationToken ct)
    {
        var (deleted, visible) = await DeleteAsync(db, id, user.Id, user.IsAdmin, ETags.IfMatch(http), ct);
        if (deleted is not null) return TypedResults.NoContent();
        return visible ? VariantProblems.Stale() : TypedResults.NotFound();
    }

    [Query(
        """
        DELETE FROM asset_variants v
        WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin) AND (@ifMatch::bigint IS NULL OR v.xmin::text::bigint = @ifMatch)
        RETURNING v.id
        """,
        "SELECT EXISTS (SELECT FROM asset_variants v WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin))")]
    private static partial Task<(Guid? Deleted, bool Visible)> DeleteAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        long? ifMatch, CancellationToken ct);
}
