using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// GET /api/errors/stats (admin): counts over a period (default the last 24 hours; from inclusive, to exclusive),
/// computed by PostgreSQL in one statement: nothing but the figures leaves the database.
/// </summary>
public static partial class GetErrorStats
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromHours(24);

    /// <summary>An endpoint and how many errors it had.</summary>
    /// <param name="Endpoint">The endpoint.</param>
    /// <param name="Count">Its errors in the period.</param>
    public sealed record EndpointCount(string Endpoint, long Count);

    /// <summary>bySeverity and byCategory name every enum value, zeros included, so dashboards need no defaults.</summary>
    /// <param name="From">Start of the period (inclusive).</param>
    /// <param name="To">End of the period (exclusive).</param>
    /// <param name="Total">Errors recorded in the period.</param>
    /// <param name="Resolved">Of those, resolved.</param>
    /// <param name="Unresolved">Of those, unresolved.</param>
    /// <param name="BySeverity">Errors per severity, every severity named.</param>
    /// <param name="ByCategory">Errors per category, every category named.</param>
    /// <param name="TopEndpoints">The endpoints with the most errors, most first (at most 10).</param>
    public sealed record Response(
        DateTimeOffset From, DateTimeOffset To, long Total, long Resolved, long Unresolved,
        Dictionary<string, long> BySeverity, Dictionary<string, long> ByCategory, IReadOnlyList<EndpointCount> TopEndpoints);

    [DbRow]
    public sealed partial record StatsRow(long Total, long Resolved, long[] BySeverity, long[] ByCategory, string[] TopEndpoints, long[] TopCounts);

    /// <remarks>Admin only. Totals over [from, to) (default the last 24 hours): resolved and unresolved, per severity and per category with every value named, and the ten endpoints with most errors.</remarks>
    public static async Task<Results<Ok<Response>, ValidationProblem>> HandleAsync(
        NpgsqlDataSource db, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        // In UTC: subtracting from a clock time with a negative offset could leave year 1 while the instant does not.
        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        if (from is null && end.UtcTicks < DefaultPeriod.Ticks)
            return Problems.Validation("to", "'to' must leave room for the default period before it (24 hours after 0001-01-01T00:00:00Z) unless 'from' is given.");
        var start = from ?? end - DefaultPeriod;
        if (start >= end) return Problems.Validation("to", "'to' must be after 'from'.");

        var row = await StatsAsync(db, start, end, ct);
        return TypedResults.Ok(new Response(start, end, row.Total, row.Resolved, row.Total - row.Resolved,
            Label<ErrorSeverity>(row.BySeverity), Label<ErrorCategory>(row.ByCategory),
            row.TopEndpoints.Zip(row.TopCounts, (e, n) => new EndpointCount(e, n)).ToList()));
    }

    // The arrays follow the enum's sort order, which SchemaTests proves equal to the C# declaration order.
    private static Dictionary<string, long> Label<TEnum>(long[] counts) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Zip(counts).ToDictionary(p => PgEnumLabels<TEnum>.Of(p.First), p => p.Second);

    [Query("""
        WITH scoped AS (
            SELECT endpoint, severity, category, resolved FROM api_errors WHERE created_at >= @from AND created_at < @to
        ), severities AS (
            SELECT severity, count(*) AS n FROM scoped GROUP BY severity
        ), categories AS (
            SELECT category, count(*) AS n FROM scoped GROUP BY category
        ), top_endpoints AS (
            SELECT endpoint, count(*) AS n FROM scoped GROUP BY endpoint ORDER BY n DESC, endpoint LIMIT 10
        )
        SELECT (SELECT count(*) FROM scoped) AS total,
               (SELECT count(*) FROM scoped WHERE resolved) AS resolved,
               ARRAY(SELECT coalesce(s.n, 0) FROM unnest(enum_range(NULL::error_severity)) WITH ORDINALITY AS v(severity, i)
                     LEFT JOIN severities s USING (severity) ORDER BY v.i) AS by_severity,
               ARRAY(SELECT coalesce(c.n, 0) FROM unnest(enum_range(NULL::error_category)) WITH ORDINALITY AS v(category, i)
                     LEFT JOIN categories c USING (category) ORDER BY v.i) AS by_category,
               ARRAY(SELECT endpoint::text FROM top_endpoints ORDER BY n DESC, endpoint) AS top_endpoints,
               ARRAY(SELECT n FROM top_endpoints ORDER BY n DESC, endpoint) AS top_counts
        """)]
    private static partial Task<StatsRow> StatsAsync(NpgsqlDataSource db, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}
