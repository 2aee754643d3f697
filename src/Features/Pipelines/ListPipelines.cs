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

    /// <remarks>The caller's pipelines (admins: everyone's, or one userId's), newest first, one cursor page at a time, optionally only some statuses (repeat `status`). Items carry no stages: GET /api/pipelines/{id} has them.</remarks>
    public static async Task<Results<Ok<CursorPage<PipelineSummary>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        [PgEnumQuery<PipelineStatus>] string[]? status, Guid? userId, string? cursor, [PageLimit] int? limit, CurrentUser user,
        NpgsqlDataSource db, CursorCodec codec, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var pageSize = Paging.Limit(limit, errors);
        var filter = PgEnumLabels<PipelineStatus>.Parse(status, "status", errors) ?? [];
        if (userId is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may list another user's pipelines.");

        // Members are always scoped to themselves; admins to the userId they asked for, or to everyone.
        var owner = user.IsAdmin ? userId : user.Id;
        var scope = Scope(owner, filter);
        var after = codec.Read(cursor, scope, errors) ?? Start;
        if (errors.Problem is { } problem) return problem;

        return TypedResults.Ok(await PageAsync(db, owner, filter, after, pageSize, codec, scope, ct));
    }

    /// <summary>The distinct statuses asked for, in order; null when one of them is not a status.</summary>
    internal static PipelineStatus[]? ParseStatuses(string[]? status)
    {
        var statuses = new SortedSet<PipelineStatus>();
        foreach (var label in status ?? [])
        {
            if (!PgEnumLabels<PipelineStatus>.TryParse(label, out var value)) return null;
            statuses.Add(value);
        }
        return statuses.ToArray();
    }

    internal static ValidationProblem InvalidStatus(string[] status)
    {
        var label = status.First(s => !PgEnumLabels<PipelineStatus>.TryParse(s, out _));
        return Problems.Validation("status", $"'{label}' is not a pipeline status; use one of: {string.Join(", ", PgEnumLabels<PipelineStatus>.All)}.");
    }

    internal static string Scope(Guid? owner, PipelineStatus[] filter) =>
        $"pipelines|user={owner?.ToString() ?? "*"}|status={string.Join(',', filter.Select(PgEnumLabels<PipelineStatus>.Of))}";

    /// <summary>The first page starts after <see cref="Start"/>; the list stream's snapshots are that page.</summary>
    internal static Task<CursorPage<PipelineSummary>> FirstPageAsync(NpgsqlDataSource db, Guid? owner, PipelineStatus[] filter,
        CursorCodec codec, CancellationToken ct) =>
        PageAsync(db, owner, filter, Start, Paging.DefaultLimit, codec, Scope(owner, filter), ct);

    private static async Task<CursorPage<PipelineSummary>> PageAsync(NpgsqlDataSource db, Guid? owner, PipelineStatus[] filter,
        Keyset after, int pageSize, CursorCodec codec, string scope, CancellationToken ct)
    {
        var rows = (owner, filter.Length) switch
        {
            ({ } ownerId, 0) => await ForUserAsync(db, ownerId, after.CreatedAt, after.Id, pageSize + 1, ct),
            ({ } ownerId, _) => await ForUserByStatusAsync(db, ownerId, filter, after.CreatedAt, after.Id, pageSize + 1, ct),
            (null, 0) => await ForEveryoneAsync(db, after.CreatedAt, after.Id, pageSize + 1, ct),
            (null, _) => await ForEveryoneByStatusAsync(db, filter, after.CreatedAt, after.Id, pageSize + 1, ct),
        };
        return Paging.ToCursorPage(rows, pageSize, r => r.ToSummary(), r => new Keyset(r.CreatedAt, r.Id), codec, scope);
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
