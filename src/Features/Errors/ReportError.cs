using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using AssetForge.Infrastructure.Telemetry;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// POST /api/errors: a client or service reports an error, signed in or not. Who reported it (user, IP address,
/// user agent) comes from the request itself; secrets in the report are redacted before anything is stored.
/// </summary>
public static partial class ReportError
{
    public const int MaxMessageLength = 10_000;
    public const int MaxStackLength = 64 * 1024;
    public const int MaxJsonBytes = 16 * 1024;
    public const int MaxTags = 20;

    private static readonly HashSet<string> HttpMethods = new(StringComparer.OrdinalIgnoreCase)
        { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT" };

    /// <summary>An error a client or service hit. Secrets in messages, bodies and headers are redacted before storage.</summary>
    /// <param name="Endpoint">The path that failed (1..512 characters).</param>
    /// <param name="Method">Its HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE or CONNECT).</param>
    /// <param name="Message">What went wrong (1..10,000 characters).</param>
    /// <param name="RequestId">Your own request id, to correlate with your logs (up to 255 characters).</param>
    /// <param name="ErrorCode">Your error code (up to 100 characters).</param>
    /// <param name="Stack">The stack trace (up to 65,536 characters).</param>
    /// <param name="Severity">How bad it is (default error).</param>
    /// <param name="Category">What kind of failure it is (default unknown).</param>
    /// <param name="StatusCode">The HTTP status the failed request got (100..599).</param>
    /// <param name="RequestBody">The failed request's body: any JSON of at most 64 KiB.</param>
    /// <param name="RequestHeaders">The failed request's headers: a JSON object of at most 64 KiB.</param>
    /// <param name="ResponseBody">The answer it got: any JSON of at most 64 KiB.</param>
    /// <param name="ExternalService">The outside service that failed, e.g. `meshy` (up to 100 characters).</param>
    /// <param name="ExternalErrorCode">That service's error code (up to 100 characters).</param>
    /// <param name="ExternalErrorMessage">That service's message (up to 10,000 characters).</param>
    /// <param name="Context">Anything else worth keeping: a JSON object of at most 64 KiB.</param>
    /// <param name="Tags">Labels for filtering (at most 20, each 1..64 characters).</param>
    public sealed record Request(
        string Endpoint, string Method, string Message, string? RequestId = null, string? ErrorCode = null, string? Stack = null,
        ErrorSeverity? Severity = null, ErrorCategory? Category = null, int? StatusCode = null, JsonElement? RequestBody = null,
        JsonElement? RequestHeaders = null, JsonElement? ResponseBody = null, string? ExternalService = null,
        string? ExternalErrorCode = null, string? ExternalErrorMessage = null, JsonElement? Context = null, string[]? Tags = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Endpoint).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(512);
            RuleFor(r => r.Method).Cascade(CascadeMode.Stop).NotEmpty().Must(m => HttpMethods.Contains(m))
                .WithMessage($"'method' must be an HTTP method: {string.Join(", ", HttpMethods)}.");
            RuleFor(r => r.Message).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(MaxMessageLength);
            RuleFor(r => r.Stack).MaximumLength(MaxStackLength);
            RuleFor(r => r.RequestId).MaximumLength(255);
            RuleFor(r => r.ErrorCode).MaximumLength(100);
            RuleFor(r => r.ExternalService).MaximumLength(100);
            RuleFor(r => r.ExternalErrorCode).MaximumLength(100);
            RuleFor(r => r.ExternalErrorMessage).MaximumLength(MaxMessageLength);
            RuleFor(r => r.StatusCode).InclusiveBetween(100, 599);
            RuleFor(r => r.RequestBody).Must(j => SmallJson(j!.Value)).When(r => r.RequestBody is not null)
                .WithMessage($"'requestBody' must be JSON of at most {MaxJsonBytes / 1024} KB.");
            RuleFor(r => r.ResponseBody).Must(j => SmallJson(j!.Value)).When(r => r.ResponseBody is not null)
                .WithMessage($"'responseBody' must be JSON of at most {MaxJsonBytes / 1024} KB.");
            RuleFor(r => r.RequestHeaders).Must(j => j!.Value.ValueKind == JsonValueKind.Object && SmallJson(j.Value)).When(r => r.RequestHeaders is not null)
                .WithMessage($"'requestHeaders' must be a JSON object of at most {MaxJsonBytes / 1024} KB.");
            RuleFor(r => r.Context).Must(j => j!.Value.ValueKind == JsonValueKind.Object && SmallJson(j.Value)).When(r => r.Context is not null)
                .WithMessage($"'context' must be a JSON object of at most {MaxJsonBytes / 1024} KB.");
            RuleFor(r => r.Tags).ItemCount(0, MaxTags)
                .WithMessage($"'tags' may hold at most {MaxTags} tags.");
            RuleForEach(r => r.Tags).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(64);
        }

        private static bool SmallJson(JsonElement value) => Rules.IsSmall(value, MaxJsonBytes);
    }

    /// <remarks>Records an error a client or service hit. Anonymous reports are allowed (send no Authorization header; a per-IP budget applies); with a token the error is tied to the caller. Secrets in the message, bodies and headers are redacted before anything is stored. Answers the stored error with its Location.</remarks>
    public static async Task<Created<ApiError>> HandleAsync(Request request, CurrentUser? user, HttpContext http, NpgsqlConnection db,
        TimeProvider clock, CancellationToken ct)
    {
        var row = await InsertAsync(db, Guid.CreateVersion7(), user?.Id, request.RequestId,
            Redaction.Text(request.Endpoint, 512)!, request.Method.ToUpperInvariant(), request.ErrorCode,
            Redaction.Text(request.Message), Redaction.Text(request.Stack, int.MaxValue),
            request.Severity ?? ErrorSeverity.Error, request.Category ?? ErrorCategory.Unknown, request.StatusCode,
            Redaction.Json(request.RequestBody), Redaction.Json(request.RequestHeaders), Redaction.Json(request.ResponseBody),
            request.ExternalService, request.ExternalErrorCode, Redaction.Text(request.ExternalErrorMessage, int.MaxValue),
            request.Context is { } context ? Redaction.Json(context) : Rules.EmptyObject, request.Tags ?? [],
            RequestOrigin.IpAddress(http), RequestOrigin.UserAgent(http), clock.GetUtcNow(), ct);
        AppMetrics.ErrorReported(PgEnumLabels<ErrorSeverity>.Of(request.Severity ?? ErrorSeverity.Error),
            PgEnumLabels<ErrorCategory>.Of(request.Category ?? ErrorCategory.Unknown));
        ETags.Set(http.Response, row.Version);
        return TypedResults.Created($"/api/errors/{row.Id}", row.ToResponse());
    }

    [Query($"""
        INSERT INTO api_errors (id, user_id, request_id, endpoint, method, error_code, error_message, error_stack, severity,
                                category, status_code, request_body, request_headers, response_body, external_service,
                                external_error_code, external_error_message, context, tags, ip_address, user_agent, created_at)
        VALUES (@id, @userId, @requestId, @endpoint, @method, @errorCode, @message, @stack, @severity, @category, @statusCode, @requestBody, @requestHeaders, @responseBody, @externalService, @externalErrorCode, @externalErrorMessage, @context, to_jsonb(@tags::text[]), @ipAddress, @userAgent, @createdAt)
        RETURNING {ApiErrorRow.Columns}
        """)]
    private static partial Task<ApiErrorRow> InsertAsync(NpgsqlConnection db, Guid id, Guid? userId, string? requestId, string endpoint,
        string method, string? errorCode, string message, string? stack, ErrorSeverity severity, ErrorCategory category, int? statusCode,
        JsonElement? requestBody, JsonElement? requestHeaders, JsonElement? responseBody, string? externalService,
        string? externalErrorCode, string? externalErrorMessage, JsonElement context, string[] tags, string? ipAddress,
        string? userAgent, DateTimeOffset createdAt, CancellationToken ct);
}
