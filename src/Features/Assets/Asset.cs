using System.Text.Json;
using AssetForge.Infrastructure.Data;

namespace AssetForge.Features.Assets;

/// <summary>An asset as stored (the product-owned assets table), with its row version for the ETag.</summary>
[DbRow]
public sealed partial record AssetRow(
    Guid Id, Guid OwnerId, string Name, string? Description, string Type, string? Subtype, string? Category,
    bool? IsBaseModel, bool? IsVariant, string Status, string Visibility, string? CdnUrl, string? CdnThumbnailUrl,
    JsonElement Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, [property: Column("xmin")] uint Version)
{
    /// <summary>The columns every asset query returns, in the order of the record.</summary>
    public const string Columns = """
        id, owner_id, name, description, type, subtype, category, is_base_model, is_variant, status, visibility,
        cdn_url, cdn_thumbnail_url, metadata, created_at, updated_at, xmin
        """;

    public Asset ToResponse() => new(Id, OwnerId, Name, Description, Type, Subtype, Category, IsBaseModel ?? false,
        IsVariant ?? false, Status, Visibility, CdnUrl, CdnThumbnailUrl, Metadata, CreatedAt, UpdatedAt);
}

/// <summary>An asset as the API shows it. URLs keep the names the create body uses (cdnUrl, cdnThumbnailUrl).</summary>
/// <param name="Id">The asset's id.</param>
/// <param name="OwnerId">The user who owns the asset.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Description">Free text about it; null when none.</param>
/// <param name="Type">Its kind, e.g. `character` or `prop`.</param>
/// <param name="Subtype">A finer kind, when the product sets one.</param>
/// <param name="Category">Its catalogue category, when set.</param>
/// <param name="IsBaseModel">Whether material variants can be made of it.</param>
/// <param name="IsVariant">Whether it is itself a variant of another asset.</param>
/// <param name="Status">Its lifecycle status as the product stores it (e.g. `draft`).</param>
/// <param name="Visibility">Who may see it in the product (e.g. `private`).</param>
/// <param name="CdnUrl">Where its model file is served from; null until uploaded.</param>
/// <param name="CdnThumbnailUrl">Where its thumbnail is served from; null until rendered.</param>
/// <param name="Metadata">Free-form JSON object the product keeps with it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record Asset(
    Guid Id, Guid OwnerId, string Name, string? Description, string Type, string? Subtype, string? Category,
    bool IsBaseModel, bool IsVariant, string Status, string Visibility, string? CdnUrl, string? CdnThumbnailUrl,
    JsonElement Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
