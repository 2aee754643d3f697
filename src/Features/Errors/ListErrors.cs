using System.Globalization;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// GET /api/errors: newest first, keyset-paged on (created_at, id). Members see the errors they reported; admins
/// see everyone's and may narrow to one user. severity and category may repeat; from is inclusive, to exclusive.
/// </summary>
public static partial class ListErrors
{
    private const int MaxEndpoint = 512;
    private static readonly TextLengthAttribute EndpointLength = new(0, MaxEndpoint);

    /// <remarks>Members see the errors they reported; admins everyone's (or one userId's). Newest first, by cursor, filtered by severity and category (repeatable), endpoint, resolved and period. Items are summaries: GET /api/errors/{id} has the rest.</remarks>
    public static async Task<Results<Ok<CursorPage<ApiErrorSummary>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        CurrentUser user, NpgsqlDataSource db, CursorCodec cursors, [FromQuery, PgEnumQuery<ErrorSeverity>] string[]? severity,
        [FromQuery, PgEnumQuery<ErrorCategory>] string[]? category, [TextLength(0, MaxEndpoint)] string? endpoint, bool? resolved,
        Guid? userId, DateTimeOffset? from, DateTimeOffset? to, string? cursor, [PageLimit] int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(endpoint)) endpoint = null;
        var severities = PgEnumLabels<ErrorSeverity>.Parse(severity, "severity", errors);
        var categories = PgEnumLabels<ErrorCategory>.Parse(category, "category", errors);
        var pageSize = Paging.Limit(limit, errors);
        if (from >= to) errors.Add("to", "'to' must be after 'from'.");
        EndpointLength.Check(endpoint, "endpoint", errors);
        if (userId is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may list another user's errors.");

        // A cursor only continues the exact list it came from: same caller scope, same filters.
        var scope = CursorCodec.Scope("errors", user.IsAdmin ? "admin" : user.Id.ToString(), Labels(severities), Labels(categories),
            endpoint, resolved?.ToString(), userId?.ToString(), from?.UtcTicks.ToString(CultureInfo.InvariantCulture),
            to?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        var after = cursors.Read(cursor, scope, errors);
        if (errors.Problem is { } problem) return problem;

        var rows = await PageAsync(db, severities, categories, endpoint, resolved, userId, user.IsAdmin, user.Id, from, to,
            after?.CreatedAt, after?.Id, pageSize + 1, ct);
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r, r => r.Position, cursors, scope));
    }

    internal static string? Labels<TEnum>(TEnum[]? values) where TEnum : struct, Enum =>
        values is null ? null : string.Join(',', values.Select(PgEnumLabels<TEnum>.Of));

    [Query($"""
        SELECT {ApiErrorSummary.Columns}
        FROM api_errors
        WHERE (@severities::error_severity[] IS NULL OR severity = ANY (@severities))
          AND (@categories::error_category[] IS NULL OR category = ANY (@categories))
          AND (@endpoint::text IS NULL OR endpoint = @endpoint)
          AND (@resolved::boolean IS NULL OR resolved = @resolved)
          AND (@userId::uuid IS NULL OR user_id = @userId)
          AND (@isAdmin OR user_id = @callerId)
          AND (@from::timestamptz IS NULL OR created_at >= @from)
          AND (@to::timestamptz IS NULL OR created_at < @to)
          AND (@afterCreatedAt::timestamptz IS NULL OR (created_at, id) < (@afterCreatedAt, @afterId::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """)]
    private static partial Task<List<ApiErrorSummary>> PageAsync(NpgsqlDataSource db, ErrorSeverity[]? severities,
        ErrorCategory[]? categories, string? endpoint, bool? resolved, Guid? userId, bool isAdmin, Guid callerId,
        DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset? afterCreatedAt, Guid? afterId, int limit, CancellationToken ct);
}
