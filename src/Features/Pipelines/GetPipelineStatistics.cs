using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines/statistics?userId=: one aggregate row, never rows in memory. Members get their own figures;
/// admins everyone's, or one user's with userId. successRate = completed / (completed + failed) as a fraction
/// (null while neither exists); averageDurationMs over completed pipelines, completed_at − started_at.
/// </summary>
public static partial class GetPipelineStatistics
{
    /// <summary>Counts and rates over the pipelines in scope (the caller's, or the userId's for admins, or all).</summary>
    /// <param name="Total">How many pipelines there are.</param>
    /// <param name="ByStatus">How many are in each status, zeros included.</param>
    /// <param name="SuccessRate">completed ÷ (completed + failed + cancelled); null when none has finished.</param>
    /// <param name="AverageDurationMs">Mean completedAt − startedAt of completed pipelines, in milliseconds; null when none completed.</param>
    public sealed record Response(long Total, StatusCounts ByStatus, double? SuccessRate, double? AverageDurationMs);

    /// <summary>How many pipelines are in each status.</summary>
    /// <param name="Initializing">Pipelines created and not started.</param>
    /// <param name="Processing">Pipelines running.</param>
    /// <param name="Completed">Pipelines that completed.</param>
    /// <param name="Failed">Pipelines that failed (expired ones included).</param>
    /// <param name="Cancelled">Pipelines that were cancelled.</param>
    public sealed record StatusCounts(long Initializing, long Processing, long Completed, long Failed, long Cancelled);

    [DbRow]
    public sealed partial record Row(long Total, long Initializing, long Processing, long Completed, long Failed,
        long Cancelled, double? SuccessRate, double? AverageDurationMs)
    {
        public Response ToResponse() => new(Total, new StatusCounts(Initializing, Processing, Completed, Failed, Cancelled),
            SuccessRate, AverageDurationMs);
    }

    /// <remarks>Counts by status, the success rate and the mean duration of completed pipelines, computed in SQL over the caller's pipelines (admins: everyone's, or one userId's).</remarks>
    public static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid? userId, CurrentUser user,
        NpgsqlDataSource db, CancellationToken ct)
    {
        if (userId is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may read another user's statistics.");
        var owner = user.IsAdmin ? userId : user.Id;
        var row = owner is { } ownerId ? await ForUserAsync(db, ownerId, ct) : await ForEveryoneAsync(db, ct);
        return TypedResults.Ok(row.ToResponse());
    }

    private const string Aggregates = """
        SELECT count(*) AS total,
               count(*) FILTER (WHERE status = 'initializing') AS initializing,
               count(*) FILTER (WHERE status = 'processing') AS processing,
               count(*) FILTER (WHERE status = 'completed') AS completed,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE status = 'completed')::float8
                   / NULLIF(count(*) FILTER (WHERE status IN ('completed', 'failed')), 0) AS success_rate,
               (avg(extract(epoch FROM completed_at - started_at) * 1000)
                   FILTER (WHERE status = 'completed' AND started_at IS NOT NULL))::float8 AS average_duration_ms
        FROM generation_pipelines
        """;

    [Query($"{Aggregates} WHERE user_id = @userId")]
    private static partial Task<Row> ForUserAsync(NpgsqlDataSource db, Guid userId, CancellationToken ct);

    [Query(Aggregates)]
    private static partial Task<Row> ForEveryoneAsync(NpgsqlDataSource db, CancellationToken ct);
}
