using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// GET /api/variants?presetId=&amp;status=&amp;cursor=&amp;limit=: variants of one preset and/or in some generation
/// statuses (status may repeat), newest first, as a cursor page. Members see their own variants, admins everyone's.
/// At least one filter is required: unfiltered, this would be a scan of every variant of every asset, and the
/// per-asset gallery already lists an asset's variants.
/// </summary>
public static partial class ListVariants
{
    private const int MaxPresetId = 100;
    private static readonly TextLengthAttribute PresetIdLength = new(1, MaxPresetId);

    /// <remarks>Variants of one preset and/or in some generation statuses (repeat `status`), newest first, one cursor page at a time. At least one filter is required (the per-asset gallery lists an asset's variants). Members see their own variants, admins everyone's.</remarks>
    public static async Task<Results<Ok<CursorPage<Variant>>, ValidationProblem>> HandleAsync(
        [TextLength(1, MaxPresetId)] string? presetId, [PgEnumQuery<VariantStatus>] string[]? status, string? cursor,
        [PageLimit] int? limit, CurrentUser user, NpgsqlDataSource db, CursorCodec cursors, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = Paging.Limit(limit, errors);
        PresetIdLength.Check(presetId, "presetId", errors);
        var statuses = PgEnumLabels<VariantStatus>.Parse(status, "status", errors)?.Select(s => s.Label()).ToArray();
        if (presetId is null && status is null or { Length: 0 })
            errors.Add("presetId", "Give presetId, status or both (to list one asset's variants use its gallery).");

        // The cursor is bound to the filters it was issued for: reused with others, it fails to decode.
        var scope = $"variants|{presetId}|{(statuses is null ? "" : string.Join(',', statuses))}";
        var after = cursors.Read(cursor, scope, errors);
        if (errors.Problem is { } problem) return problem;

        var rows = statuses is null
            ? await ByPresetAsync(db, presetId!, user.Id, user.IsAdmin, after?.CreatedAt, after?.Id, size + 1, ct)
            : await ByStatusAsync(db, presetId, statuses, user.Id, user.IsAdmin, after?.CreatedAt, after?.Id, size + 1, ct);
        return TypedResults.Ok(Paging.ToCursorPage(rows, size, r => r.ToResponse(), r => new Keyset(r.CreatedAt, r.Id), cursors, scope));
    }

    // Newest first straight off (preset_id, created_at, id): no sort, LIMIT stops the index scan.
    [Query($"""
        SELECT {VariantRow.Columns} FROM {VariantRow.From}
        WHERE v.preset_id = @presetId AND (v.owner_id = @userId OR @isAdmin)
          AND (@afterCreatedAt::timestamptz IS NULL OR (v.created_at, v.id) < (@afterCreatedAt, @afterId))
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<VariantRow>> ByPresetAsync(NpgsqlDataSource db, string presetId, Guid userId, bool isAdmin,
        DateTimeOffset? afterCreatedAt, Guid? afterId, int limit, CancellationToken ct);

    // generation_status = ANY (…) cannot read (generation_status, created_at, id) in order, so every match would be
    // sorted (50 ms for 50k matches); instead each status reads its own newest rows off the index and only those
    // (at most limit per status) are merged.
    [Query($"""
        SELECT {VariantRow.Columns}
        FROM unnest(@statuses::text[]) AS s (status)
        CROSS JOIN LATERAL (
            SELECT {VariantRow.OwnColumns} FROM asset_variants
            WHERE generation_status = s.status AND (@presetId::text IS NULL OR preset_id = @presetId) AND (owner_id = @userId OR @isAdmin)
              AND (@afterCreatedAt::timestamptz IS NULL OR (created_at, id) < (@afterCreatedAt, @afterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
        ) AS v
        JOIN assets a ON a.id = v.variant_asset_id
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<VariantRow>> ByStatusAsync(NpgsqlDataSource db, string? presetId, string[] statuses, Guid userId,
        bool isAdmin, DateTimeOffset? afterCreatedAt, Guid? afterId, int limit, CancellationToken ct);
}
