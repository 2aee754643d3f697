using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// GET /api/assets/{baseAssetId}/variants?activeOnly=&amp;page=&amp;limit=: the base asset's gallery, an offset page
/// in display_order DESC (id DESC breaks ties), each variant with its asset from one join. Whoever may see the base
/// asset sees all its variants, so the total without activeOnly equals the statistics' totalVariants.
/// </summary>
public static partial class ListAssetVariants
{
    /// <remarks>The base asset's variants in gallery order (displayOrder, higher first), by page number with the total, for galleries; activeOnly hides inactive ones.</remarks>
    public static async Task<Results<Ok<OffsetPage<Variant>>, NotFound, ValidationProblem>> HandleAsync(
        Guid baseAssetId, bool? activeOnly, [PageNumber] int? page, [PageLimit] int? limit, CurrentUser user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = Paging.Limit(limit, errors);
        var number = Paging.Page(page, errors);
        if (errors.Problem is { } problem) return problem;

        var offset = (long)(number - 1) * size;
        var (total, rows) = await PageAsync(db, baseAssetId, user.Id, user.IsAdmin, activeOnly ?? false, size, offset, ct);
        if (total is null) return TypedResults.NotFound();
        return TypedResults.Ok(new OffsetPage<Variant>(rows.ConvertAll(r => r.ToResponse()),
            new OffsetPagination(size, number, total.Value, offset + rows.Count < total.Value)));
    }

    // One round trip: the total (NULL when the base asset is not the caller's) and the page, as one batch.
    // The total is read off the statistics row, which V3's trigger keeps equal to a recount, instead of counting
    // every variant; the page is cut from the variants alone before the join, so only its rows look up assets.
    [Query(
        """
        SELECT coalesce(CASE WHEN @activeOnly THEN s.active_variants ELSE s.total_variants END, 0)::bigint
        FROM assets b LEFT JOIN variant_statistics s ON s.base_asset_id = b.id
        WHERE b.id = @baseAssetId AND (b.owner_id = @userId OR @isAdmin)
        """,
        $"""
        SELECT {VariantRow.Columns}
        FROM (SELECT {VariantRow.OwnColumns} FROM asset_variants v
              WHERE v.base_asset_id = @baseAssetId AND EXISTS ({VariantSql.BaseAssetVisible}) AND (v.is_active OR NOT @activeOnly)
              ORDER BY v.display_order DESC, v.id DESC
              LIMIT @limit OFFSET @offset) v
        JOIN assets a ON a.id = v.variant_asset_id
        ORDER BY v.display_order DESC, v.id DESC
        """)]
    private static partial Task<(long? Total, List<VariantRow> Rows)> PageAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId,
        bool isAdmin, bool activeOnly, int limit, long offset, CancellationToken ct);
}
