using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines/expired?cursor=&amp;limit= (admin): running pipelines past expires_at, the ones the expiry job
/// fails next. Most overdue first, keyset-paged on (expires_at, id) through the partial index on expires_at.
/// </summary>
public static partial class ListExpiredPipelines
{
    private const string Scope = "pipelines-expired";
    private static readonly Keyset Start = new(DateTimeOffset.MinValue, Guid.Empty);

    /// <remarks>Admin only. Pipelines still initializing or processing whose expiresAt has passed, most overdue first, by cursor: what the maintenance job will mark failed next.</remarks>
    public static async Task<Results<Ok<CursorPage<PipelineSummary>>, ValidationProblem>> HandleAsync(string? cursor, [PageLimit] int? limit,
        NpgsqlDataSource db, CursorCodec codec, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var pageSize = Paging.Limit(limit, errors);
        var after = codec.Read(cursor, Scope, errors) ?? Start;
        if (errors.Problem is { } problem) return problem;

        var rows = await ListAsync(db, after.CreatedAt, after.Id, pageSize + 1, ct);
        // The keyset's timestamp is expires_at here: this list is ordered by it.
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r.ToSummary(), r => new Keyset(r.ExpiresAt!.Value, r.Id), codec, Scope));
    }

    [Query($"""
        SELECT {PipelineRow.Columns}
        FROM generation_pipelines
        WHERE status IN {PipelineSql.Running} AND expires_at < now() AND (expires_at, id) > (@afterExpiresAt, @afterId)
        ORDER BY expires_at, id
        LIMIT @limit
        """)]
    private static partial Task<List<PipelineRow>> ListAsync(NpgsqlDataSource db, DateTimeOffset afterExpiresAt, Guid afterId,
        int limit, CancellationToken ct);
}
