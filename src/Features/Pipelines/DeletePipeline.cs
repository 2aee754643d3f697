using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>DELETE /api/pipelines/{id}: 204; its stages go with it (ON DELETE CASCADE). Honours If-Match.</summary>
public static partial class DeletePipeline
{
    /// <remarks>Deletes a pipeline and its stages. With If-Match it deletes only the version the caller read (else 412). Another user's pipeline is a 404.</remarks>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> HandleAsync(Guid id, CurrentUser user,
        NpgsqlDataSource db, HttpRequest request, CancellationToken ct)
    {
        return await DeleteAsync(db, id, user.Id, user.IsAdmin, ETags.IfMatch(request), ct) switch
        {
            WriteOutcome.Done => TypedResults.NoContent(),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => Problems.Stale("pipeline"),
        };
    }

    // One statement tells "not there (or not yours)" from "changed since you read it": target is the locked row.
    [Query("""
        WITH target AS (
            SELECT id, xmin::text::bigint AS version
            FROM generation_pipelines
            WHERE id = @id AND (user_id = @userId OR @isAdmin)
            FOR UPDATE
        ), deleted AS (
            DELETE FROM generation_pipelines p
            USING target t
            WHERE p.id = t.id AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch))
            RETURNING p.id
        )
        SELECT CASE
            WHEN EXISTS (SELECT FROM deleted) THEN 'done'
            WHEN NOT EXISTS (SELECT FROM target) THEN 'not_found'
            ELSE 'stale'
        END
        """)]
    private static partial Task<WriteOutcome> DeleteAsync(NpgsqlDataSource db, Guid id, Guid userId, bool isAdmin, long[]? ifMatch,
        CancellationToken ct);
}
