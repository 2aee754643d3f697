using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// PUT /api/assets/{baseAssetId}/variants/order: { variantIds } lists every variant of the base asset, first shown
/// first; display_order becomes n-1 … 0 in one transaction. A list that is not exactly the asset's variants (one
/// missing, a stranger, a duplicate) is a 400 and changes nothing. If-Match takes the ETag of GET …/variants/order.
/// </summary>
public static partial class SetVariantOrder
{
    public const int MaxVariants = 1000;

    /// <summary>The whole gallery order.</summary>
    /// <param name="VariantIds">Every variant of the base asset exactly once, first shown first (at most 1000).</param>
    public sealed record Request(Guid[] VariantIds);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.VariantIds).Cascade(CascadeMode.Stop).NotNull()
                .ItemCount(0, MaxVariants).WithMessage($"'variantIds' may list at most {MaxVariants} variants.")
                .Must(ids => ids.Distinct().Count() == ids.Length).WithMessage("'variantIds' lists a variant more than once.")
                .Must(ids => !ids.Contains(Guid.Empty)).WithMessage("'variantIds' must not contain the empty UUID.");
        }
    }

    /// <remarks>Replaces the gallery order: send every variant id of the base asset exactly once, first shown first. If-Match with the order's ETag guards against a concurrent reorder (412).</remarks>
    public static async Task<Results<Ok<VariantOrder>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid baseAssetId, Request request, CurrentUser user, NpgsqlDataSource db, HttpRequest http, HttpResponse response,
        CancellationToken ct)
    {
        var (_, result) = await ReorderAsync(db, baseAssetId, user.Id, user.IsAdmin, request.VariantIds, ETags.IfMatch(http), ct);
        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                ETags.Set(response, (uint)result.Version);
                return TypedResults.Ok(new VariantOrder(request.VariantIds));
            case WriteOutcome.NotFound:
                return TypedResults.NotFound();
            case WriteOutcome.Stale:
                return Problems.Stale("variant order");
            default:
                return Problems.Validation("variantIds", "List exactly the base asset's variants, each once (GET …/variants/order shows them).");
        }
    }

    /// <summary>What the reorder did, and the order's new version (its ETag) when it did.</summary>
    [DbRow]
    public sealed partial record Reordered(WriteOutcome Outcome, long Version);

    // One round trip, two statements. The first locks the asset's variants in id order, so two reorders (or a reorder
    // and a status change) queue instead of deadlocking. The second starts after the locks with a fresh snapshot:
    // a variant created meanwhile makes the list inexact (400), one deleted meanwhile too.
    [Query(
        $"""
        SELECT FROM asset_variants v
        WHERE v.base_asset_id = @baseAssetId AND EXISTS ({VariantSql.BaseAssetVisible})
        ORDER BY v.id
        FOR NO KEY UPDATE
        """,
        $"""
        WITH current AS (
            SELECT ordered.id, ordered.display_order FROM asset_variants ordered WHERE ordered.base_asset_id = @baseAssetId
        ), wanted AS (
            SELECT w.id, cardinality(@variantIds::uuid[]) - w.position AS display_order
            FROM unnest(@variantIds::uuid[]) WITH ORDINALITY AS w (id, position)
        ), state AS (
            SELECT EXISTS ({VariantSql.BaseAssetVisible}) AS found,
                   (@ifMatch::bigint[] IS NULL OR (SELECT {VariantSql.OrderVersion} FROM current ordered) = ANY(@ifMatch)) AS matched,
                   (SELECT count(*) FROM current) = cardinality(@variantIds::uuid[])
                       AND NOT EXISTS (SELECT FROM wanted w WHERE w.id NOT IN (SELECT c.id FROM current c)) AS exact
        ), moved AS (
            UPDATE asset_variants v SET display_order = w.display_order
            FROM wanted w, state s
            WHERE v.id = w.id AND v.base_asset_id = @baseAssetId AND v.display_order <> w.display_order AND s.found AND s.matched AND s.exact
            RETURNING v.id
        )
        SELECT CASE WHEN NOT s.found THEN 'not_found' WHEN NOT s.matched THEN 'stale' WHEN NOT s.exact THEN 'invalid' ELSE 'done' END AS outcome,
               hashtextextended(array_to_string(@variantIds::uuid[], ','), 0) & 4294967295 AS version
        FROM state s
        """)]
    private static partial Task<(RowsAffected Locked, Reordered Result)> ReorderAsync(NpgsqlDataSource db, Guid baseAssetId, Guid userId,
        bool isAdmin, Guid[] variantIds, long[]? ifMatch, CancellationToken ct);
}
