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
    public static async Task<Results<Ok<CursorPage<ApiErrorSummary>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        CurrentUser user, NpgsqlDataSource db, CursorCodec cursors, [FromQuery] string[]? severity, [FromQuery] string[]? category,
        string? endpoint, string? resolved, string? userId, string? from, string? to, string? cursor, string? limit, CancellationToken ct)
    {
        var query = new QueryValues();
        endpoint = QueryValues.Text(endpoint);
        cursor = QueryValues.Text(cursor);
        var severities = query.Labels<ErrorSeverity>(severity, "severity");
        var categories = query.Labels<ErrorCategory>(category, "category");
        var isResolved = query.Boolean(resolved, "resolved");
        var owner = query.Uuid(userId, "userId");
        var start = query.Timestamp(from, "from");
        var end = query.Timestamp(to, "to");
        var pageSize = query.Limit(limit);
        if (start >= end) query.Fail("to", "'to' must be after 'from'.");
        if (endpoint is { Length: > 512 }) query.Fail("endpoint", "'endpoint' must be 512 characters or fewer.");
        if (query.Problem is { } problem) return problem;
        if (owner is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may list another user's errors.");

        // A cursor only continues the exact list it came from: same caller scope, same filters.
        var scope = string.Join('|', "errors", user.IsAdmin ? "admin" : user.Id.ToString(), QueryValues.Scope(severities),
            QueryValues.Scope(categories), QueryValues.Scope(endpoint), isResolved?.ToString() ?? "*", owner?.ToString() ?? "*",
            QueryValues.Scope(start), QueryValues.Scope(end));
        Keyset? after = null;
        if (cursor is not null)
        {
            if (!cursors.TryDecode(cursor, scope, out var position))
                return Problems.Validation("cursor", "The cursor is malformed, or belongs to a list with other filters.");
            after = position;
        }

        var rows = await PageAsync(db, severities, categories, endpoint, isResolved, owner, user.IsAdmin, user.Id, start, end,
            after?.CreatedAt, after?.Id, pageSize + 1, ct);
        return TypedResults.Ok(Paging.ToCursorPage(rows, pageSize, r => r, r => r.Position, cursors, scope));
    }

    /// <summary>The real types of the query values, for OpenAPI.</summary>
    internal static readonly QueryParameter[] QueryParameters =
    [
        QueryParameter.Labels<ErrorSeverity>("severity"), QueryParameter.Labels<ErrorCategory>("category"),
        QueryParameter.Boolean("resolved"), QueryParameter.Uuid("userId"), QueryParameter.Timestamp("from"),
        QueryParameter.Timestamp("to"), QueryParameter.Integer("limit"),
    ];

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
