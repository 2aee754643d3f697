using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Assets;

/// <summary>GET /api/assets/{id}: the owner's (or any, for admins) asset; anyone else's is a 404.</summary>
public static partial class GetAsset
{
    /// <remarks>Answers one asset the caller owns (admins: any) with its ETag; If-None-Match with that ETag answers 304. Another user's asset is a 404, as if it did not exist.</remarks>
    public static async Task<Results<Ok<Asset>, NotFound>> HandleAsync(Guid id, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, id, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    [Query($"SELECT {AssetRow.Columns} FROM assets WHERE id = @id AND (owner_id = @userId OR @isAdmin)")]
    private static partial Task<AssetRow?> FindAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin, CancellationToken ct);
}
