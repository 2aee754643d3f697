using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// POST /api/assets/{baseAssetId}/variants: a variant of a base asset, pointing at its own variant asset; both assets
/// must be the caller's (admins: anyone's, and the variant then belongs to the base asset's owner). One variant per
/// preset per asset: the unique key decides, so of two racing requests one gets 201 and the other 409.
/// The base asset's statistics row is created or recounted in the same transaction by V3's statement trigger.
/// </summary>
public static partial class CreateVariant
{
    public sealed record Request(
        Guid VariantAssetId, string PresetId, string PresetName, string? PresetCategory = null, string? PresetTier = null,
        string? PresetColor = null, string? StylePrompt = null, JsonElement? Metadata = null, int? DisplayOrder = null,
        bool? IsActive = null, string? RetextureTaskId = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.VariantAssetId).NotEmpty();
            RuleFor(r => r.PresetId).NotEmpty().MaximumLength(100);
            RuleFor(r => r.PresetName).NotEmpty().MaximumLength(255);
            RuleFor(r => r.PresetCategory).MaximumLength(100);
            RuleFor(r => r.PresetTier).MaximumLength(50);
            RuleFor(r => r.PresetColor).MaximumLength(50);
            RuleFor(r => r.StylePrompt).MaximumLength(10_000);
            RuleFor(r => r.RetextureTaskId).MaximumLength(255);
            RuleFor(r => r.Metadata).SmallJsonObject();
        }
    }

    public static async Task<Results<Created<Variant>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid baseAssetId, Request request, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        if (request.VariantAssetId == baseAssetId)
            return Problems.Validation("variantAssetId", "A variant needs its own asset: 'variantAssetId' must differ from the base asset.");

        VariantRow? row;
        try
        {
            row = await InsertAsync(db, baseAssetId, user.Id, user.IsAdmin, request.VariantAssetId, Guid.CreateVersion7(),
                request.PresetId, request.PresetName, request.PresetCategory, request.PresetTier, request.PresetColor,
                request.StylePrompt, request.Metadata ?? Rules.EmptyObject, request.DisplayOrder ?? 0, request.IsActive ?? true,
                request.RetextureTaskId, ct);
        }
        catch (PostgresException e) when (e.IsUniqueViolation("asset_variants_base_preset_key"))
        {
            return Problems.Status(409, $"Asset {baseAssetId} already has a variant for preset '{request.PresetId}'.");
        }
        catch (PostgresException e) when (e.IsForeignKeyViolation())
        {
            return TypedResults.NotFound(); // an asset was deleted while we inserted
        }

        if (row is null)
        {
            // Only the failure path pays a second round trip, to say which asset is missing.
            return await BaseAssetVisibleAsync(db, baseAssetId, user.Id, user.IsAdmin, ct)
                ? Problems.Status(404, $"No asset {request.VariantAssetId} (variantAssetId) that you may use was found.")
                : TypedResults.NotFound();
        }
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/variants/{row.Id}", row.ToResponse());
    }

    [Query($"""
        WITH base AS (
            SELECT b.id, b.owner_id FROM assets b WHERE b.id = $1 AND (b.owner_id = $2 OR $3)
        ), a AS (
            SELECT t.id, t.name, t.cdn_thumbnail_url, t.cdn_url FROM assets t WHERE t.id = $4 AND (t.owner_id = $2 OR $3)
        ), v AS (
            INSERT INTO asset_variants (id, base_asset_id, variant_asset_id, owner_id, preset_id, preset_name, preset_category,
                                        preset_tier, preset_color, style_prompt, metadata, display_order, is_active, retexture_task_id)
            SELECT $5, base.id, a.id, base.owner_id, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM base CROSS JOIN a
            RETURNING {VariantRow.OwnColumns}
        )
        SELECT {VariantRow.Columns} FROM v JOIN a ON a.id = v.variant_asset_id
        """)]
    private static partial Task<VariantRow?> InsertAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId, bool isAdmin,
        Guid variantAssetId, Guid id, string presetId, string presetName, string? presetCategory, string? presetTier,
        string? presetColor, string? stylePrompt, JsonElement metadata, int displayOrder, bool isActive, string? retextureTaskId,
        CancellationToken ct);

    [Query($"SELECT EXISTS ({VariantSql.BaseAssetVisible})")]
    private static partial Task<bool> BaseAssetVisibleAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId, bool isAdmin, CancellationToken ct);
}
