using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>GET /api/variants/{id}: one variant with its variant asset (the owner's, or any for admins).</summary>
public static partial class GetVariant
{
    /// <remarks>One variant the caller may see, with its asset and ETag; If-None-Match with that ETag answers 304.</remarks>
    public static async Task<Results<Ok<Variant>, NotFound>> HandleAsync(
        Guid id, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, id, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    [Query(VariantSql.Visible)]
    private static partial Task<VariantRow?> FindAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin, CancellationToken ct);
}
