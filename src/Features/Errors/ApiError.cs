using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Errors;

/// <summary>An api_errors row as stored, with its row version for the ETag.</summary>
[DbRow]
public sealed partial record ApiErrorRow(
    Guid Id, Guid? UserId, string? RequestId, string Endpoint, string Method, string? ErrorCode, string ErrorMessage,
    string? ErrorStack, ErrorSeverity Severity, ErrorCategory Category, int? StatusCode, StoredJson? RequestBody,
    StoredJson? RequestHeaders, StoredJson? ResponseBody, string? ExternalService, string? ExternalErrorCode,
    string? ExternalErrorMessage, StoredJson Context, string[] Tags, bool Resolved, DateTimeOffset? ResolvedAt,
    Guid? ResolvedBy, string? Resolution, string? IpAddress, string? UserAgent, DateTimeOffset CreatedAt,
    [property: Column("xmin")] uint Version)
{
    /// <summary>
    /// The columns every full-error query returns, in the order of the record. Tags are stored as a jsonb array
    /// (the old service's type) and leave as strings; anything that is not an array reads as no tags.
    /// </summary>
    public const string Columns = """
        id, user_id, request_id, endpoint, method, error_code, error_message, error_stack, severity, category,
        status_code, request_body, request_headers, response_body, external_service, external_error_code,
        external_error_message, context,
        CASE jsonb_typeof(tags) WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(tags)) ELSE '{}'::text[] END AS tags,
        resolved, resolved_at, resolved_by, resolution, ip_address, user_agent, created_at, xmin
        """;

    public ApiError ToResponse() => new(Id, UserId, RequestId, Endpoint, Method, ErrorCode, ErrorMessage, ErrorStack, Severity,
        Category, StatusCode, RequestBody, RequestHeaders, ResponseBody, ExternalService, ExternalErrorCode, ExternalErrorMessage,
        Context, Tags, Resolved, ResolvedAt, ResolvedBy, Resolution, IpAddress, UserAgent, CreatedAt);
}

/// <summary>One recorded error, everything included (GET /api/errors/{id}). Secrets were redacted before storage.</summary>
/// <param name="Id">The error's id.</param>
/// <param name="UserId">The signed-in user who hit the error; null for anonymous reports.</param>
/// <param name="RequestId">The reporting client's own request id, to correlate with its logs.</param>
/// <param name="Endpoint">The path that failed, e.g. `/api/pipelines`.</param>
/// <param name="Method">The HTTP method of the failed request.</param>
/// <param name="ErrorCode">The client's or service's error code, when it has one.</param>
/// <param name="Message">What went wrong (secrets redacted).</param>
/// <param name="Severity">How bad it is: info, warning, error or critical.</param>
/// <param name="Category">What kind of failure it is.</param>
/// <param name="StatusCode">The HTTP status the failed request got, when it got one.</param>
/// <param name="ExternalService">The outside service that failed (e.g. `meshy`), for external_api errors.</param>
/// <param name="Resolved">Whether someone has resolved it.</param>
/// <param name="ResolvedAt">When it was resolved; null while unresolved.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="Stack">The stack trace, when reported (secrets redacted).</param>
/// <param name="RequestBody">The failed request's body as reported (JSON, secrets redacted); null when none.</param>
/// <param name="RequestHeaders">The failed request's headers as reported (JSON object; Authorization, cookies and keys redacted); null when none.</param>
/// <param name="ResponseBody">The answer the failed request got (JSON, secrets redacted); null when none.</param>
/// <param name="ExternalErrorCode">The outside service's own error code.</param>
/// <param name="ExternalErrorMessage">The outside service's own message (secrets redacted).</param>
/// <param name="Context">Anything else the reporter attached (a JSON object, `{}` when none).</param>
/// <param name="Tags">Labels for filtering and grouping (empty when none).</param>
/// <param name="ResolvedBy">The user who resolved it.</param>
/// <param name="Resolution">How it was resolved.</param>
/// <param name="IpAddress">The address the report came from.</param>
/// <param name="UserAgent">The reporter's User-Agent.</param>
public sealed record ApiError(
    Guid Id, Guid? UserId, string? RequestId, string Endpoint, string Method, string? ErrorCode, string Message, string? Stack,
    ErrorSeverity Severity, ErrorCategory Category, int? StatusCode, StoredJson? RequestBody, StoredJson? RequestHeaders,
    StoredJson? ResponseBody, string? ExternalService, string? ExternalErrorCode, string? ExternalErrorMessage,
    StoredJson Context, string[] Tags, bool Resolved, DateTimeOffset? ResolvedAt, Guid? ResolvedBy, string? Resolution,
    string? IpAddress, string? UserAgent, DateTimeOffset CreatedAt);

/// <summary>
/// An error as lists show it: what happened, where and when, without stack, bodies and headers (a page of 100
/// full errors could weigh megabytes; GET /api/errors/{id} has the rest).
/// </summary>
/// <param name="Id">The error's id.</param>
/// <param name="UserId">The signed-in user who hit the error; null for anonymous reports.</param>
/// <param name="RequestId">The reporting client's own request id, to correlate with its logs.</param>
/// <param name="Endpoint">The path that failed, e.g. `/api/pipelines`.</param>
/// <param name="Method">The HTTP method of the failed request.</param>
/// <param name="ErrorCode">The client's or service's error code, when it has one.</param>
/// <param name="Message">What went wrong (secrets redacted).</param>
/// <param name="Severity">How bad it is: info, warning, error or critical.</param>
/// <param name="Category">What kind of failure it is.</param>
/// <param name="StatusCode">The HTTP status the failed request got, when it got one.</param>
/// <param name="ExternalService">The outside service that failed (e.g. `meshy`), for external_api errors.</param>
/// <param name="Resolved">Whether someone has resolved it.</param>
/// <param name="ResolvedAt">When it was resolved; null while unresolved.</param>
/// <param name="CreatedAt">When it was recorded.</param>
[DbRow]
public sealed partial record ApiErrorSummary(
    Guid Id, Guid? UserId, string? RequestId, string Endpoint, string Method, string? ErrorCode,
    [property: Column("error_message")] string Message, ErrorSeverity Severity, ErrorCategory Category, int? StatusCode,
    string? ExternalService, bool Resolved, DateTimeOffset? ResolvedAt, DateTimeOffset CreatedAt)
{
    public const string Columns = """
        id, user_id, request_id, endpoint, method, error_code, error_message, severity, category, status_code,
        external_service, resolved, resolved_at, created_at
        """;

    [System.Text.Json.Serialization.JsonIgnore] public Keyset Position => new(CreatedAt, Id);
}

/// <summary>One hourly bucket of error_aggregations.</summary>
/// <param name="Id">The bucket's id.</param>
/// <param name="HourBucket">The hour the bucket covers, from this instant (a whole hour, UTC) for one hour.</param>
/// <param name="Endpoint">The endpoint the errors came from.</param>
/// <param name="Severity">Their severity.</param>
/// <param name="Category">Their category.</param>
/// <param name="ExternalService">The outside service they concern, when any.</param>
/// <param name="StatusCode">The HTTP status they share, when any.</param>
/// <param name="TotalErrors">How many errors fell in the bucket.</param>
/// <param name="UniqueUsers">How many distinct signed-in users hit them.</param>
/// <param name="FirstOccurrence">The first error's time within the hour.</param>
/// <param name="LastOccurrence">The last error's time within the hour.</param>
/// <param name="UpdatedAt">When the aggregation job last wrote the bucket.</param>
[DbRow]
public sealed partial record ErrorAggregation(
    Guid Id, DateTimeOffset HourBucket, string? Endpoint, ErrorSeverity? Severity, ErrorCategory? Category,
    string? ExternalService, int? StatusCode, int TotalErrors, int UniqueUsers, DateTimeOffset? FirstOccurrence,
    DateTimeOffset? LastOccurrence, DateTimeOffset UpdatedAt)
{
    public const string Columns = """
        id, hour_bucket, endpoint, severity, category, external_service, status_code, total_errors, unique_users,
        first_occurrence, last_occurrence, updated_at
        """;

    [System.Text.Json.Serialization.JsonIgnore] public Keyset Position => new(HourBucket, Id);
}
