using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// GET /api/assets/{baseAssetId}/variants/statistics: one row read (the asset by primary key, its statistics by their
/// unique key), never a count over variants. A base asset without variants answers 200 with zeros and null times.
/// </summary>
public static partial class GetVariantStatistics
{
    /// <remarks>Counts of the base asset's variants (total, completed, failed, active) and when the last was created and completed; zeros when it has none.</remarks>
    public static async Task<Results<Ok<VariantStatistics>, NotFound>> HandleAsync(
        Guid baseAssetId, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, baseAssetId, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        if (row.Version is { } version) ETags.Set(response, version);
        return TypedResults.Ok(row.ToResponse());
    }

    [Query($"""
        SELECT {VariantStatisticsRow.Columns}
        FROM assets b LEFT JOIN variant_statistics s ON s.base_asset_id = b.id
        WHERE b.id = @baseAssetId AND (b.owner_id = @userId OR @isAdmin)
        """)]
    private static partial Task<VariantStatisticsRow?> FindAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId, bool isAdmin,
        CancellationToken ct);
}
