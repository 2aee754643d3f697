using System.Globalization;
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

    /// <remarks>Admin only. The hourly error buckets overlapping [from, to) (default the last 7 days), newest hour first, filtered by endpoint, severity, category, service or status, one cursor page at a time.</remarks>
    public static async Task<Results<Ok<CursorPage<ErrorAggregation>>, ValidationProblem>> HandleAsync(
        NpgsqlDataSource db, CursorCodec cursors, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, string? endpoint,
        [FromQuery, PgEnumQuery<ErrorSeverity>] string[]? severity, [FromQuery, PgEnumQuery<ErrorCategory>] string[]? category,
        string? externalService, int? statusCode, string? cursor, [PageLimit] int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(endpoint)) endpoint = null;
        if (string.IsNullOrEmpty(externalService)) externalService = null;
        var severities = PgEnumLabels<ErrorSeverity>.Parse(severity, "severity", errors);
        var categories = PgEnumLabels<ErrorCategory>.Parse(category, "category", errors);
        var pageSize = Paging.Limit(limit, errors);
        // In UTC: subtracting from a clock time with a negative offset could leave year 1 while the instant does not.
        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        if (from is null && end.UtcTicks < DefaultPeriod.Ticks)
            errors.Add("to", "'to' must leave room for the default period before it (7 days after 0001-01-01T00:00:00Z) unless 'from' is given.");
        var start = from ?? (end.UtcTicks < DefaultPeriod.Ticks ? DateTimeOffset.MinValue : end - DefaultPeriod);
        if (start >= end) errors.Add("to", "'to' must be after 'from'.");

        // The scope holds the period as asked: a default window moves with the clock, yet page 2 must continue page 1.
        var scope = CursorCodec.Scope("aggregations", from?.UtcTicks.ToString(CultureInfo.InvariantCulture),
            to?.UtcTicks.ToString(CultureInfo.InvariantCulture), endpoint, ListErrors.Labels(severities), ListErrors.Labels(categories),
            externalService, statusCode?.ToString(CultureInfo.InvariantCulture));
        var after = cursors.Read(cursor, scope, errors);
        if (errors.Problem is { } problem) return problem;

        var rows = await PageAsync(db, start, end, endpoint, severities, categories, externalService, statusCode,
            after?.CreatedAt, after?.Id, pageSize + 1, ct);
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r, r => r.Position, cursors, scope));
    }

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
