using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// POST /api/assets/{baseAssetId}/variants/statistics/recalculate (admin): rebuilds the row from the variants with
/// the trigger's own routine (lock the row, then recount in a fresh snapshot), so it is safe beside concurrent
/// variant writes. The trigger keeps rows exact; this repairs rows someone edited by hand.
/// </summary>
public static partial class RecalculateVariantStatistics
{
    /// <remarks>Recomputes the base asset's variant statistics from its variants (triggers keep them current; this repairs them after manual SQL) and answers them.</remarks>
    public static async Task<Results<Ok<VariantStatistics>, NotFound>> HandleAsync(
        Guid baseAssetId, NpgsqlConnection db, HttpResponse response, CancellationToken ct)
    {
        var (_, row) = await RecalculateAsync(db, baseAssetId, ct);
        if (row is null) return TypedResults.NotFound();
        if (row.Version is { } version) ETags.Set(response, version);
        return TypedResults.Ok(row.ToResponse());
    }

    // One round trip; the batch is one transaction, so the row read back is the one just rebuilt.
    [Query(
        "SELECT variant_statistics_refresh(ARRAY[@baseAssetId]::uuid[])",
        $"""
        SELECT {VariantStatisticsRow.Columns}
        FROM assets b JOIN variant_statistics s ON s.base_asset_id = b.id
        WHERE b.id = @baseAssetId
        """)]
    private static partial Task<(int Refreshed, VariantStatisticsRow? Row)> RecalculateAsync(NpgsqlConnection db, Guid baseAssetId,
        CancellationToken ct);
}
