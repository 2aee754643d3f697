using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// GET /api/assets/{baseAssetId}/variants/order: every variant id of the base asset in gallery order, with the ETag
/// that PUT …/variants/order accepts as If-Match (it changes with any create, delete or reorder).
/// </summary>
public static partial class GetVariantOrder
{
    /// <remarks>The base asset's variant ids in gallery order, with an ETag of that order to send back as If-Match when replacing it.</remarks>
    public static async Task<Results<Ok<VariantOrder>, NotFound>> HandleAsync(
        Guid baseAssetId, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, baseAssetId, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, (uint)row.Version);
        return TypedResults.Ok(new VariantOrder(row.VariantIds));
    }

    [DbRow]
    public sealed partial record OrderRow(Guid[] VariantIds, long Version);

    [Query($"""
        SELECT coalesce(array_agg(ordered.id ORDER BY ordered.display_order DESC, ordered.id DESC), ARRAY[]::uuid[]) AS variant_ids,
               {VariantSql.OrderVersion} AS version
        FROM asset_variants ordered
        WHERE ordered.base_asset_id = @baseAssetId
        HAVING EXISTS ({VariantSql.BaseAssetVisible}) -- an aggregate gives one row even over no variants: none if not yours
        """)]
    private static partial Task<OrderRow?> FindAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId, bool isAdmin, CancellationToken ct);
}
