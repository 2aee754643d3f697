using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// GET /api/errors/aggregations (admin): the hourly buckets overlapping [from, to) (default the last 7 days),
/// newest hour first, keyset-paged on (hour_bucket, id). severity and category may repeat.
/// </summary>
public static partial class ListAggregations
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    public static async Task<Results<Ok<CursorPage<ErrorAggregation>>, ValidationProblem>> HandleAsync(
        NpgsqlDataSource db, CursorCodec cursors, TimeProvider clock, string? from, string? to, string? endpoint,
        [FromQuery] string[]? severity, [FromQuery] string[]? category, string? externalService, string? statusCode,
        string? cursor, string? limit, CancellationToken ct)
    {
        var query = new QueryValues();
        endpoint = QueryValues.Text(endpoint);
        externalService = QueryValues.Text(externalService);
        cursor = QueryValues.Text(cursor);
        var requestedFrom = query.Timestamp(from, "from");
        var requestedTo = query.Timestamp(to, "to");
        var severities = query.Labels<ErrorSeverity>(severity, "severity");
        var categories = query.Labels<ErrorCategory>(category, "category");
        var status = query.Integer(statusCode, "statusCode");
        var pageSize = query.Limit(limit);
        var end = requestedTo ?? clock.GetUtcNow();
        var start = requestedFrom ?? end - DefaultPeriod;
        if (start >= end) query.Fail("to", "'to' must be after 'from'.");
        if (query.Problem is { } problem) return problem;

        // The scope holds the period as asked: a default window moves with the clock, yet page 2 must continue page 1.
        var scope = string.Join('|', "aggregations", QueryValues.Scope(requestedFrom), QueryValues.Scope(requestedTo),
            QueryValues.Scope(endpoint), QueryValues.Scope(severities), QueryValues.Scope(categories),
            QueryValues.Scope(externalService), status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*");
        Keyset? after = null;
        if (cursor is not null)
        {
            if (!cursors.TryDecode(cursor, scope, out var position))
                return Problems.Validation("cursor", "The cursor is malformed, or belongs to a list with other filters.");
            after = position;
        }

        var rows = await PageAsync(db, start, end, endpoint, severities, categories, externalService, status,
            after?.CreatedAt, after?.Id, pageSize + 1, ct);
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r, r => r.Position, cursors, scope));
    }

    /// <summary>The real types of the query values, for OpenAPI.</summary>
    internal static readonly QueryParameter[] QueryParameters =
    [
        QueryParameter.Timestamp("from"), QueryParameter.Timestamp("to"), QueryParameter.Labels<ErrorSeverity>("severity"),
        QueryParameter.Labels<ErrorCategory>("category"), QueryParameter.Integer("statusCode"), QueryParameter.Integer("limit"),
    ];

    [Query($"""
        SELECT {ErrorAggregation.Columns}
        FROM error_aggregations
        WHERE hour_bucket > @from::timestamptz - interval '1 hour' AND hour_bucket < @to
          AND (@endpoint::text IS NULL OR endpoint = @endpoint)
          AND (@severities::error_severity[] IS NULL OR severity = ANY (@severities))
          AND (@categories::error_category[] IS NULL OR category = ANY (@categories))
          AND (@externalService::text IS NULL OR external_service = @externalService)
          AND (@statusCode::integer IS NULL OR status_code = @statusCode)
          AND (@afterHour::timestamptz IS NULL OR (hour_bucket, id) < (@afterHour, @afterId::uuid))
        ORDER BY hour_bucket DESC, id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<ErrorAggregation>> PageAsync(NpgsqlDataSource db, DateTimeOffset from, DateTimeOffset to,
        string? endpoint, ErrorSeverity[]? severities, ErrorCategory[]? categories, string? externalService, int? statusCode,
        DateTimeOffset? afterHour, Guid? afterId, int limit, CancellationToken ct);
}
