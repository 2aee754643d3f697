using AssetForge.Infrastructure.Data;

namespace AssetForge.Features.Variants;

/// <summary>
/// A base asset's variant_statistics row. V3's trigger keeps it equal to variant_statistics_recount(base_asset_id)
/// after every statement that changes asset_variants; a base asset that never had a variant has no row, which reads
/// as zeros.
/// </summary>
[DbRow]
public sealed partial record VariantStatisticsRow(
    Guid BaseAssetId, int TotalVariants, int CompletedVariants, int FailedVariants, int ActiveVariants,
    DateTimeOffset? LastVariantCreated, DateTimeOffset? LastVariantCompleted, [property: Column("xmin")] uint? Version)
{
    /// <summary>The row for base asset <c>b</c>, zeros when it has none (the query must LEFT JOIN variant_statistics s).</summary>
    public const string Columns = """
        b.id AS base_asset_id, coalesce(s.total_variants, 0) AS total_variants,
        coalesce(s.completed_variants, 0) AS completed_variants, coalesce(s.failed_variants, 0) AS failed_variants,
        coalesce(s.active_variants, 0) AS active_variants, s.last_variant_created, s.last_variant_completed, s.xmin
        """;

    public VariantStatistics ToResponse() => new(BaseAssetId, TotalVariants, CompletedVariants, FailedVariants, ActiveVariants,
        LastVariantCreated, LastVariantCompleted);
}

/// <summary>Counts over a base asset's variants, kept current by database triggers.</summary>
/// <param name="BaseAssetId">The base asset.</param>
/// <param name="TotalVariants">How many variants it has.</param>
/// <param name="CompletedVariants">Of those, completed.</param>
/// <param name="FailedVariants">Of those, failed.</param>
/// <param name="ActiveVariants">Of those, shown in the gallery.</param>
/// <param name="LastVariantCreated">When the newest variant was created; null when none.</param>
/// <param name="LastVariantCompleted">When a variant last completed; null when none.</param>
public sealed record VariantStatistics(
    Guid BaseAssetId, int TotalVariants, int CompletedVariants, int FailedVariants, int ActiveVariants,
    DateTimeOffset? LastVariantCreated, DateTimeOffset? LastVariantCompleted);
