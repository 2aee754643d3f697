using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Assets;

/// <summary>POST /api/assets: an asset owned by the caller (variants and pipelines point at assets).</summary>
public static partial class CreateAsset
{
    /// <summary>A new asset owned by the caller.</summary>
    /// <param name="Name">Its display name (1..255 characters).</param>
    /// <param name="Type">Its kind, e.g. `character` (1..100 characters).</param>
    /// <param name="Description">Free text (up to 10,000 characters).</param>
    /// <param name="CdnUrl">Absolute http(s) URL of its model file (up to 1024 characters).</param>
    /// <param name="CdnThumbnailUrl">Absolute http(s) URL of its thumbnail (up to 1024 characters).</param>
    /// <param name="IsBaseModel">Whether material variants can be made of it (default false).</param>
    /// <param name="Metadata">Free-form JSON object of at most 64 KiB.</param>
    public sealed record Request(
        string Name, string Type, string? Description = null, string? CdnUrl = null, string? CdnThumbnailUrl = null,
        bool? IsBaseModel = null, JsonElement? Metadata = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(255);
            RuleFor(r => r.Type).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Description).MaximumLength(10_000);
            RuleFor(r => r.CdnUrl).MaximumLength(1024).Must(Rules.BeAbsoluteHttpUrl!).When(r => r.CdnUrl is not null)
                .WithMessage("'{PropertyName}' must be an absolute http(s) URL.");
            RuleFor(r => r.CdnThumbnailUrl).MaximumLength(1024).Must(Rules.BeAbsoluteHttpUrl!).When(r => r.CdnThumbnailUrl is not null)
                .WithMessage("'{PropertyName}' must be an absolute http(s) URL.");
            RuleFor(r => r.Metadata).SmallJsonObject();
        }
    }

    /// <remarks>Creates an asset owned by the caller and answers it with its Location and ETag. URLs must be absolute http(s); metadata is a JSON object.</remarks>
    public static async Task<Created<Asset>> HandleAsync(Request request, CurrentUser user, NpgsqlConnection db, HttpResponse response, CancellationToken ct)
    {
        var row = await InsertAsync(db, Guid.CreateVersion7(), user.Id, request.Name, request.Description, request.Type,
            request.IsBaseModel ?? false, request.CdnUrl, request.CdnThumbnailUrl, request.Metadata ?? Rules.EmptyObject, ct);
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/assets/{row.Id}", row.ToResponse());
    }

    [Query($"""
        INSERT INTO assets (id, owner_id, name, description, type, is_base_model, cdn_url, cdn_thumbnail_url, metadata)
        VALUES (@id, @ownerId, @name, @description, @type, @isBaseModel, @cdnUrl, @cdnThumbnailUrl, @metadata)
        RETURNING {AssetRow.Columns}
        """)]
    private static partial Task<AssetRow> InsertAsync(NpgsqlConnection db, Guid id, Guid ownerId, string name, string? description,
        string type, bool isBaseModel, string? cdnUrl, string? cdnThumbnailUrl, JsonElement metadata, CancellationToken ct);
}
