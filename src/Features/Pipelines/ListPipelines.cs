using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines?status=&amp;userId=&amp;cursor=&amp;limit=: newest first, keyset-paged on (created_at, id).
/// Members list their own pipelines; admins everyone's, or one user's with userId. The cursor is bound to the
/// filters it was issued for, so the filters are kept across pages and a cursor replayed with others is a 400.
/// </summary>
public static partial class ListPipelines
{
    // The first page starts "after" a position no row reaches, so every page runs the same statement and its
    // row comparison stays an index condition, prepared or not.
    private static readonly Keyset Start = new(DateTimeOffset.MaxValue, Guid.AllBitsSet);

    public static async Task<Results<Ok<CursorPage<PipelineSummary>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        [PgEnumQuery<PipelineStatus>] string[]? status, Guid? userId, string? cursor, int? limit, CurrentUser user,
        NpgsqlDataSource db, CursorCodec codec, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var pageSize = Paging.Limit(limit, errors);
        var filter = PgEnumLabels<PipelineStatus>.Parse(status, "status", errors) ?? [];
        if (userId is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may list another user's pipelines.");

        // Members are always scoped to themselves; admins to the userId they asked for, or to everyone.
        var owner = user.IsAdmin ? userId : user.Id;
        var scope = $"pipelines|user={owner?.ToString() ?? "*"}|status={string.Join(',', filter.Select(PgEnumLabels<PipelineStatus>.Of))}";
        var after = codec.Read(cursor, scope, errors) ?? Start;
        if (errors.Problem is { } problem) return problem;

        var rows = (owner, filter.Length) switch
        {
            ({ } ownerId, 0) => await ForUserAsync(db, ownerId, after.CreatedAt, after.Id, pageSize + 1, ct),
            ({ } ownerId, _) => await ForUserByStatusAsync(db, ownerId, filter, after.CreatedAt, after.Id, pageSize + 1, ct),
            (null, 0) => await ForEveryoneAsync(db, after.CreatedAt, after.Id, pageSize + 1, ct),
            (null, _) => await ForEveryoneByStatusAsync(db, filter, after.CreatedAt, after.Id, pageSize + 1, ct),
        };
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r.ToSummary(), r => new Keyset(r.CreatedAt, r.Id), codec, scope));
    }

    // Served by generation_pipelines_user_created_idx: user_id and the row comparison are its index condition.
    [Query($"""
        SELECT {PipelineRow.Columns}
        FROM generation_pipelines
        WHERE user_id = @userId AND (created_at, id) < (@afterCreatedAt, @afterId)
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<PipelineRow>> ForUserAsync(NpgsqlDataSource db, Guid userId,
        DateTimeOffset afterCreatedAt, Guid afterId, int limit, CancellationToken ct);

    // Each requested status reads its own newest rows off generation_pipelines_user_status_created_idx (V5), at most
    // a page each, and only those are merged: a rare status is never found by walking past every other one.
    [Query($"""
        SELECT p.*
        FROM unnest(@statuses::pipeline_status[]) AS wanted (status)
        CROSS JOIN LATERAL (
            SELECT {PipelineRow.Columns} FROM generation_pipelines g
            WHERE g.user_id = @userId AND g.status = wanted.status AND (g.created_at, g.id) < (@afterCreatedAt, @afterId)
            ORDER BY g.created_at DESC, g.id DESC
            LIMIT @limit) p
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<PipelineRow>> ForUserByStatusAsync(NpgsqlDataSource db, Guid userId, PipelineStatus[] statuses,
        DateTimeOffset afterCreatedAt, Guid afterId, int limit, CancellationToken ct);

    // Served by generation_pipelines_created_idx.
    [Query($"""
        SELECT {PipelineRow.Columns}
        FROM generation_pipelines
        WHERE (created_at, id) < (@afterCreatedAt, @afterId)
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<PipelineRow>> ForEveryoneAsync(NpgsqlDataSource db,
        DateTimeOffset afterCreatedAt, Guid afterId, int limit, CancellationToken ct);

    // As ForUserByStatusAsync, off generation_pipelines_status_created_idx (V5).
    [Query($"""
        SELECT p.*
        FROM unnest(@statuses::pipeline_status[]) AS wanted (status)
        CROSS JOIN LATERAL (
            SELECT {PipelineRow.Columns} FROM generation_pipelines g
            WHERE g.status = wanted.status AND (g.created_at, g.id) < (@afterCreatedAt, @afterId)
            ORDER BY g.created_at DESC, g.id DESC
            LIMIT @limit) p
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<PipelineRow>> ForEveryoneByStatusAsync(NpgsqlDataSource db, PipelineStatus[] statuses,
        DateTimeOffset afterCreatedAt, Guid afterId, int limit, CancellationToken ct);
}
