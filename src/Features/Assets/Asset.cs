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
public sealed record Asset(
    Guid Id, Guid OwnerId, string Name, string? Description, string Type, string? Subtype, string? Category,
    bool IsBaseModel, bool IsVariant, string Status, string Visibility, string? CdnUrl, string? CdnThumbnailUrl,
    JsonElement Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
