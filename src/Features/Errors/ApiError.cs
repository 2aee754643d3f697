using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Errors;

/// <summary>An api_errors row as stored, with its row version for the ETag.</summary>
[DbRow]
public sealed partial record ApiErrorRow(
    Guid Id, Guid? UserId, string? RequestId, string Endpoint, string Method, string? ErrorCode, string ErrorMessage,
    string? ErrorStack, ErrorSeverity Severity, ErrorCategory Category, int? StatusCode, JsonElement? RequestBody,
    JsonElement? RequestHeaders, JsonElement? ResponseBody, string? ExternalService, string? ExternalErrorCode,
    string? ExternalErrorMessage, JsonElement Context, string[] Tags, bool Resolved, DateTimeOffset? ResolvedAt,
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
public sealed record ApiError(
    Guid Id, Guid? UserId, string? RequestId, string Endpoint, string Method, string? ErrorCode, string Message, string? Stack,
    ErrorSeverity Severity, ErrorCategory Category, int? StatusCode, JsonElement? RequestBody, JsonElement? RequestHeaders,
    JsonElement? ResponseBody, string? ExternalService, string? ExternalErrorCode, string? ExternalErrorMessage,
    JsonElement Context, string[] Tags, bool Resolved, DateTimeOffset? ResolvedAt, Guid? ResolvedBy, string? Resolution,
    string? IpAddress, string? UserAgent, DateTimeOffset CreatedAt);

/// <summary>
/// An error as lists show it: what happened, where and when, without stack, bodies and headers (a page of 100
/// full errors could weigh megabytes; GET /api/errors/{id} has the rest).
/// </summary>
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
