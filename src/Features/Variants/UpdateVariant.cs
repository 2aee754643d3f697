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
    /// <summary>Changes to a variant; send at least one field, omitted ones stay.</summary>
    /// <param name="DisplayOrder">Its place in the gallery (higher first).</param>
    /// <param name="IsActive">Whether the gallery shows it.</param>
    /// <param name="Metadata">Replaces its metadata: a JSON object of at most 64 KiB.</param>
    /// <param name="StylePrompt">The texture prompt (up to 10,000 characters).</param>
    /// <param name="RetextureTaskId">The retexture task that makes it (up to 255 characters).</param>
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

    /// <remarks>Changes a variant's display order, visibility, metadata, style prompt or retexture task; omitted fields stay. If-Match guards against lost updates (412).</remarks>
    public static async Task<Results<Ok<Variant>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlDataSource db, HttpRequest http, HttpResponse response, CancellationToken ct)
    {
        var (outcome, row) = await UpdateAsync(db, id, user.Id, user.IsAdmin, request.DisplayOrder, request.IsActive, request.Metadata,
            request.StylePrompt, request.RetextureTaskId, ETags.IfMatch(http), ct);
        return outcome switch
        {
            WriteOutcome.Done => VariantWrites.Ok(response, row!),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => Problems.Stale("variant"),
        };
    }

    // One round trip: the guarded update on the locked variant answers its outcome, then the variant is read back.
    [Query(
        $"""
        WITH target AS ({VariantSql.Target} FOR NO KEY UPDATE
        ), written AS (
            UPDATE asset_variants v
            SET display_order = coalesce(@displayOrder, v.display_order),
                is_active = coalesce(@isActive, v.is_active),
                metadata = coalesce(@metadata, v.metadata),
                style_prompt = CASE WHEN @stylePrompt::text IS NULL THEN v.style_prompt ELSE nullif(@stylePrompt, '') END,
                retexture_task_id = CASE WHEN @retextureTaskId::text IS NULL THEN v.retexture_task_id ELSE nullif(@retextureTaskId, '') END
            FROM target t
            WHERE v.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch))
            RETURNING v.id
        )
        SELECT {VariantSql.Outcome}
        """,
        VariantSql.Visible)]
    private static partial Task<(WriteOutcome Outcome, VariantRow? Row)> UpdateAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin,
        int? displayOrder, bool? isActive, JsonElement? metadata, string? stylePrompt, string? retextureTaskId, long[]? ifMatch,
        CancellationToken ct);
}
