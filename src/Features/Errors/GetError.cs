using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>GET /api/errors/{id}: one error, everything recorded; a member sees only errors they reported.</summary>
public static partial class GetError
{
    /// <remarks>One recorded error with everything the reporter sent (stack, bodies, headers, context), secrets redacted, and its ETag. Members see only errors they reported; admins any.</remarks>
    public static async Task<Results<Ok<ApiError>, NotFound>> HandleAsync(Guid id, CurrentUser user, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var row = await FindAsync(db, id, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    [Query($"SELECT {ApiErrorRow.Columns} FROM api_errors WHERE id = @id AND (user_id = @userId OR @isAdmin)")]
    private static partial Task<ApiErrorRow?> FindAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin, CancellationToken ct);
}
