using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// PATCH /api/variants/{id}: display order, active flag, metadata (replaced as a whole), style prompt, retexture task
/// id. A field left out (or null) keeps its value; an empty string clears stylePrompt or retextureTaskId. Toggling
/// isActive recounts the base asset's statistics in the same transaction (V3's statement trigger).
/// </summary>
public static partial class UpdateVariant
{
    public sealed record Request(
        int? DisplayOrder = null, bool? IsActive = null, JsonElement? Metadata = null, string? StylePrompt = null,
        string? RetextureTaskId = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r).Must(r => r.DisplayOrder is not null || r.IsActive is not null || r.Metadata is not null
                                      || r.StylePrompt is not null || r.RetextureTaskId is not null)
                .OverridePropertyName("body").WithMessage("Give at least one of displayOrder, isActive, metadata, stylePrompt, retextureTaskId.");
            RuleFor(r => r.StylePrompt).MaximumLength(10_000);
            RuleFor(r => r.RetextureTaskId).MaximumLength(255);
            RuleFor(r => r.Metadata).SmallJsonObject();
        }
    }

    public static async Task<Results<Ok<Variant>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpRequest http, HttpResponse response, CancellationToken ct)
    {
        var (row, visible) = await UpdateAsync(db, id, user.Id, user.IsAdmin, request.DisplayOrder, request.IsActive, request.Metadata,
            request.StylePrompt, request.RetextureTaskId, ETags.IfMatch(http), ct);
        if (row is null) return visible ? VariantProblems.Stale() : TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    // One round trip: the guarded update, then whether the variant is there at all (404 versus 412).
    [Query(
        $"""
        UPDATE asset_variants v
        SET display_order = coalesce($4, v.display_order),
            is_active = coalesce($5, v.is_active),
            metadata = coalesce($6, v.metadata),
            style_prompt = CASE WHEN $7::text IS NULL THEN v.style_prompt ELSE nullif($7, '') END,
            retexture_task_id = CASE WHEN $8::text IS NULL THEN v.retexture_task_id ELSE nullif($8, '') END
        FROM assets a
        WHERE v.id = $1 AND (v.owner_id = $2 OR $3) AND a.id = v.variant_asset_id
          AND ($9::bigint IS NULL OR v.xmin::text::bigint = $9)
        RETURNING {VariantRow.Columns}
        """,
        "SELECT EXISTS (SELECT FROM asset_variants v WHERE v.id = $1 AND (v.owner_id = $2 OR $3))")]
    private static partial Task<(VariantRow? Row, bool Visible)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        int? displayOrder, bool? isActive, JsonElement? metadata, string? stylePrompt, string? retextureTaskId, long? ifMatch,
        CancellationToken ct);
}
