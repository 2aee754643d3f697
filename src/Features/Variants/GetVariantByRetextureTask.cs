using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Variants;

/// <summary>
/// GET /api/variants/by-retexture-task/{taskId}: the variant an external retexture task reports on (workers look it
/// up when the task calls back). Task ids are not unique in the schema: if several variants share one, the newest.
/// </summary>
public static partial class GetVariantByRetextureTask
{
    /// <remarks>The variant an external retexture task works on, with its asset and ETag: how a worker finds its variant when the task calls back. If several variants share the task id, the newest.</remarks>
    public static async Task<Results<Ok<Variant>, NotFound>> HandleAsync(
        string taskId, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, taskId, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    [Query($"""
        SELECT {VariantRow.Columns} FROM {VariantRow.From}
        WHERE v.retexture_task_id = @taskId AND (v.owner_id = @userId OR @isAdmin)
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT 1
        """)]
    private static partial Task<VariantRow?> FindAsync(NpgsqlDataSource db, string taskId, Guid userId, bool isAdmin, CancellationToken ct);
}
