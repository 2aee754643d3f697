using System.Text.Json;
using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Variants;

/// <summary>
/// Where a variant's generation stands. Stored as varchar with a CHECK constraint (not a PostgreSQL enum), so SQL
/// sees the label text; JSON and query strings use the same labels, and anything else is a 400.
/// </summary>
[JsonConverter(typeof(PgEnumJsonConverter<VariantStatus>))]
public enum VariantStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
}

public static class VariantStatuses
{
    public static string Label(this VariantStatus status) => PgEnumLabels<VariantStatus>.Of(status);

    public static string Allowed { get; } = string.Join(", ", PgEnumLabels<VariantStatus>.All);

    public static VariantStatus Parse(string stored) => PgEnumLabels<VariantStatus>.TryParse(stored, out var status)
        ? status
        : throw new InvalidOperationException($"asset_variants.generation_status holds '{stored}', which its CHECK constraint forbids.");
}

/// <summary>A variant joined with its variant asset (one join; the asset's URLs are cdn_thumbnail_url and cdn_url).</summary>
[DbRow]
public sealed partial record VariantRow(
    Guid Id, Guid BaseAssetId, Guid VariantAssetId, Guid OwnerId, string PresetId, string PresetName, string? PresetCategory,
    string? PresetTier, string? PresetColor, string? RetextureTaskId, string GenerationStatus, string? GenerationError,
    string? StylePrompt, JsonElement Metadata, int DisplayOrder, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt, [property: Column("xmin")] uint Version,
    string VariantAssetName, string? VariantAssetThumbnailUrl, string? VariantAssetModelUrl)
{
    /// <summary>asset_variants' own columns, as an INSERT/UPDATE RETURNING list or a CTE's output.</summary>
    public const string OwnColumns = """
        id, base_asset_id, variant_asset_id, owner_id, preset_id, preset_name, preset_category, preset_tier, preset_color,
        retexture_task_id, generation_status, generation_error, style_prompt, metadata, display_order, is_active,
        created_at, updated_at, completed_at, xmin
        """;

    /// <summary>Every column of the record, for a query over <c>v</c> (the variant) and <c>a</c> (its variant asset).</summary>
    public const string Columns = """
        v.id, v.base_asset_id, v.variant_asset_id, v.owner_id, v.preset_id, v.preset_name, v.preset_category, v.preset_tier,
        v.preset_color, v.retexture_task_id, v.generation_status, v.generation_error, v.style_prompt, v.metadata,
        v.display_order, v.is_active, v.created_at, v.updated_at, v.completed_at, v.xmin,
        a.name AS variant_asset_name, a.cdn_thumbnail_url AS variant_asset_thumbnail_url, a.cdn_url AS variant_asset_model_url
        """;

    public const string From = "asset_variants v JOIN assets a ON a.id = v.variant_asset_id";

    public Variant ToResponse() => new(Id, BaseAssetId, VariantAssetId, OwnerId, PresetId, PresetName, PresetCategory, PresetTier,
        PresetColor, RetextureTaskId, VariantStatuses.Parse(GenerationStatus), GenerationError, StylePrompt, Metadata, DisplayOrder,
        IsActive, CreatedAt, UpdatedAt, CompletedAt,
        new VariantAsset(VariantAssetId, VariantAssetName, VariantAssetThumbnailUrl, VariantAssetModelUrl));
}

/// <summary>A material variant of a base asset, as the API shows it.</summary>
/// <param name="Id">The variant's id.</param>
/// <param name="BaseAssetId">The asset it is a variant of.</param>
/// <param name="VariantAssetId">The asset that holds the variant's own model.</param>
/// <param name="OwnerId">The owner of the base asset.</param>
/// <param name="PresetId">The material preset it was made with.</param>
/// <param name="PresetName">That preset's display name.</param>
/// <param name="PresetCategory">The preset's category, when any.</param>
/// <param name="PresetTier">The preset's tier, when any.</param>
/// <param name="PresetColor">The preset's colour, when any.</param>
/// <param name="RetextureTaskId">The retexture task that makes it, when linked (GET /api/variants/by-retexture-task/{taskId}).</param>
/// <param name="GenerationStatus">Where its generation stands.</param>
/// <param name="GenerationError">What went wrong, when generation failed.</param>
/// <param name="StylePrompt">The prompt the texture was generated from.</param>
/// <param name="Metadata">Free-form JSON object kept with it.</param>
/// <param name="DisplayOrder">Its place in the gallery (higher first).</param>
/// <param name="IsActive">Whether the gallery shows it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="CompletedAt">When generation completed; null before.</param>
/// <param name="VariantAsset">The variant's own asset, as a gallery needs it.</param>
public sealed record Variant(
    Guid Id, Guid BaseAssetId, Guid VariantAssetId, Guid OwnerId, string PresetId, string PresetName, string? PresetCategory,
    string? PresetTier, string? PresetColor, string? RetextureTaskId, VariantStatus GenerationStatus, string? GenerationError,
    string? StylePrompt, JsonElement Metadata, int DisplayOrder, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt, VariantAsset VariantAsset);

/// <summary>The variant's own asset: what a gallery needs to show and load it.</summary>
/// <param name="Id">The asset's id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="ThumbnailUrl">Its thumbnail URL, when rendered.</param>
/// <param name="ModelUrl">Its model file URL, when uploaded.</param>
public sealed record VariantAsset(Guid Id, string Name, string? ThumbnailUrl, string? ModelUrl);

/// <summary>A base asset's variants in gallery order (display_order DESC): what PUT …/variants/order replaces.</summary>
/// <param name="VariantIds">Every variant of the base asset, first shown first.</param>
public sealed record VariantOrder(IReadOnlyList<Guid> VariantIds);

/// <summary>Statements the slice's queries share, so "visible to the caller" means the same thing everywhere.</summary>
internal static class VariantSql
{
    /// <summary>The variant @id with its asset, when the caller (@userId, @isAdmin) may see it.</summary>
    public const string Visible = $"SELECT {VariantRow.Columns} FROM {VariantRow.From} WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin)";

    /// <summary>
    /// The variant @id locked for a write, with its version, when the caller may see it: the <c>target</c> CTE the
    /// guarded writes judge, so the version compared with If-Match is the one the write replaces.
    /// </summary>
    public const string Target = "SELECT v.id, v.xmin::text::bigint AS version FROM asset_variants v WHERE v.id = @id AND (v.owner_id = @userId OR @isAdmin)";

    /// <summary>What a guarded write on <c>target</c> did, from the CTE <c>written</c> that returns the rows it wrote.</summary>
    public const string Outcome = "CASE WHEN EXISTS (SELECT FROM written) THEN 'done' WHEN EXISTS (SELECT FROM target) THEN 'stale' ELSE 'not_found' END";

    /// <summary>The base asset @baseAssetId exists and the caller (@userId, @isAdmin) may see it.</summary>
    public const string BaseAssetVisible = "SELECT FROM assets b WHERE b.id = @baseAssetId AND (b.owner_id = @userId OR @isAdmin)";

    /// <summary>
    /// The order's version for ETags: a 32-bit hash of the variant ids in gallery order (display_order DESC, id DESC)
    /// over <c>ordered</c>, so any create, delete or reorder changes it. 32 bits because ETags carry a uint.
    /// </summary>
    public const string OrderVersion =
        "hashtextextended(coalesce(string_agg(ordered.id::text, ',' ORDER BY ordered.display_order DESC, ordered.id DESC), ''), 0) & 4294967295";
}

/// <summary>The answers of writes that stored a variant: the variant as stored, with its new ETag.</summary>
internal static class VariantWrites
{
    public static Microsoft.AspNetCore.Http.HttpResults.Created<Variant> Created(HttpResponse response, VariantRow row)
    {
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/variants/{row.Id}", row.ToResponse());
    }

    public static Microsoft.AspNetCore.Http.HttpResults.Ok<Variant> Ok(HttpResponse response, VariantRow row)
    {
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }
}
