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
    /// <summary>A new material variant of the base asset in the path.</summary>
    /// <param name="VariantAssetId">The asset holding the variant's model; yours, and not the base asset.</param>
    /// <param name="PresetId">The material preset (1..100 characters).</param>
    /// <param name="PresetName">Its display name (1..255 characters).</param>
    /// <param name="PresetCategory">Its category (up to 100 characters).</param>
    /// <param name="PresetTier">Its tier (up to 50 characters).</param>
    /// <param name="PresetColor">Its colour (up to 50 characters).</param>
    /// <param name="StylePrompt">The texture prompt (up to 10,000 characters).</param>
    /// <param name="Metadata">Free-form JSON object of at most 64 KiB.</param>
    /// <param name="DisplayOrder">Its place in the gallery (higher first); default: after the others.</param>
    /// <param name="IsActive">Whether the gallery shows it (default true).</param>
    /// <param name="RetextureTaskId">The retexture task that makes it (up to 255 characters).</param>
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

    /// <remarks>Creates a material variant of the base asset in the path from a variant asset the caller owns, and answers it with its Location and ETag. The base asset's statistics follow (database triggers).</remarks>
    public static async Task<Results<Created<Variant>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid baseAssetId, Request request, CurrentUser user, NpgsqlConnection db, HttpResponse response, CancellationToken ct)
    {
        if (request.VariantAssetId == baseAssetId)
            return Problems.Validation("variantAssetId", "A variant needs its own asset: 'variantAssetId' must differ from the base asset.");

        WriteOutcome outcome;
        VariantRow? row;
        try
        {
            (outcome, row) = await InsertAsync(db, baseAssetId, user.Id, user.IsAdmin, request.VariantAssetId, Guid.CreateVersion7(),
                request.PresetId, request.PresetName, request.PresetCategory, request.PresetTier, request.PresetColor,
                request.StylePrompt, request.Metadata ?? Rules.EmptyObject, request.DisplayOrder ?? 0, request.IsActive ?? true,
                request.RetextureTaskId, ct);
        }
        catch (PostgresException e) when (e.IsUniqueViolation("asset_variants_base_preset_key"))
        {
            return Problems.Conflict($"Asset {baseAssetId} already has a variant for preset '{request.PresetId}'.");
        }
        catch (PostgresException e) when (e.IsForeignKeyViolation())
        {
            return TypedResults.NotFound(); // an asset was deleted while we inserted
        }

        return outcome switch
        {
            WriteOutcome.Done => VariantWrites.Created(response, row!),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => Problems.NotFound($"No asset {request.VariantAssetId} (variantAssetId) that you may use was found."),
        };
    }

    // One round trip: the insert answers which asset was missing, if one was (not_found: the base asset, invalid:
    // the variant asset), then the variant is read back.
    [Query($"""
        WITH base AS (
            SELECT b.id, b.owner_id FROM assets b WHERE b.id = @baseAssetId AND (b.owner_id = @userId OR @isAdmin)
        ), a AS (
            SELECT t.id FROM assets t WHERE t.id = @variantAssetId AND (t.owner_id = @userId OR @isAdmin)
        ), v AS (
            INSERT INTO asset_variants (id, base_asset_id, variant_asset_id, owner_id, preset_id, preset_name, preset_category,
                                        preset_tier, preset_color, style_prompt, metadata, display_order, is_active, retexture_task_id)
            SELECT @id, base.id, a.id, base.owner_id, @presetId, @presetName, @presetCategory, @presetTier, @presetColor, @stylePrompt, @metadata, @displayOrder, @isActive, @retextureTaskId FROM base CROSS JOIN a
            RETURNING id
        )
        SELECT CASE WHEN EXISTS (SELECT FROM v) THEN 'done' WHEN NOT EXISTS (SELECT FROM base) THEN 'not_found' ELSE 'invalid' END
        """,
        VariantSql.Visible)]
    private static partial Task<(WriteOutcome Outcome, VariantRow? Row)> InsertAsync(NpgsqlConnection db, Guid baseAssetId, Guid userId, bool isAdmin,
        Guid variantAssetId, Guid id, string presetId, string presetName, string? presetCategory, string? presetTier,
        string? presetColor, string? stylePrompt, JsonElement metadata, int displayOrder, bool isActive, string? retextureTaskId,
        CancellationToken ct);
}
