using System.Text.Json;
using System.Text.RegularExpressions;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Every error leaves as application/problem+json (RFC 9457) with type, title, status, detail and traceId:
/// framework 404/405 via status-code pages, binding and body errors via <see cref="ApiExceptionHandler"/>.
/// </summary>
public static class Problems
{
    public static IServiceCollection AddAssetForgeProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            var http = ctx.HttpContext;
            problem.Extensions["traceId"] = Correlation.TraceId(http);
            var status = problem.Status ?? http.Response.StatusCode;
            if (status == StatusCodes.Status400BadRequest && ctx.Exception is null && problem is not HttpValidationProblemDetails
                && !problem.Extensions.ContainsKey("errors") && BindingFailures.FindAll(http) is { } errors)
            {
                problem.Title = ValidationTitle;
                problem.Detail ??= ValidationDetail;
                problem.Extensions["errors"] = errors;
            }
            problem.Detail ??= DefaultDetail(status, http.Request);
            problem.Type ??= status == StatusCodes.Status429TooManyRequests ? "https://www.rfc-editor.org/rfc/rfc6585#section-4" : "about:blank";
        });
        AnswerEveryAccept(services);
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures throw, so the exception handler can say which parameter was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The framework's writer declines a request whose Accept names no JSON type (application/xml, text/html,
    /// text/event-stream), so status-code pages answered text/plain and the exception handler an empty body. The API
    /// only speaks problem+json (RFC 9110 §12.1 lets a server disregard Accept), so the same writer now answers all.
    /// </summary>
    private static void AnswerEveryAccept(IServiceCollection services)
    {
        var framework = services.Single(d => d.ServiceType == typeof(IProblemDetailsWriter) && d.ImplementationType is not null);
        services.Remove(framework);
        services.AddSingleton<IProblemDetailsWriter>(sp =>
            new AnyAcceptProblemWriter((IProblemDetailsWriter)ActivatorUtilities.CreateInstance(sp, framework.ImplementationType!)));
    }

    private sealed class AnyAcceptProblemWriter(IProblemDetailsWriter framework) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context) => framework.WriteAsync(context);
    }

    private static string DefaultDetail(int status, HttpRequest request) => status switch
    {
        400 => "The request is not valid.",
        401 => "A valid bearer token is required.",
        403 => "You are not allowed to do this.",
        404 => $"Nothing was found at {request.Path}.",
        405 => $"{request.Method} is not allowed on {request.Path}.",
        409 => "The request conflicts with the current state of the resource.",
        412 => "The resource has changed since you read it (If-Match did not match its ETag).",
        413 => "The request body is too large.",
        415 => "The request body must be application/json.",
        429 => "Too many requests; retry later.",
        503 => "The service is unavailable; retry later.",
        504 => "The request timed out; retry later.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>A problem response with a specific status, title and detail (409, 412, …).</summary>
    public static ProblemHttpResult Status(int status, string detail, string? title = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>Every 400 that names fields says so in the same words, whichever layer found them.</summary>
    public const string ValidationTitle = "One or more validation errors occurred.";

    public const string ValidationDetail = "One or more request values are not valid.";

    // The answers to a write whose SQL said it did not happen (see WriteOutcome), worded the same on every route.

    /// <summary>412: If-Match named a version the row no longer has.</summary>
    public static ProblemHttpResult Stale(string subject) => Status(StatusCodes.Status412PreconditionFailed,
        $"The {subject} has changed since you read it (If-Match did not match its ETag); read it again and retry.");

    /// <summary>409: the row's state forbids the change; <paramref name="detail"/> says why and what is allowed.</summary>
    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, detail);

    /// <summary>404 with a detail, when the plain 404 of the route's own resource would mislead (a referenced row is missing).</summary>
    public static ProblemHttpResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, detail);

    /// <summary>A 400 naming the offending fields, as the contract's validation problems do.</summary>
    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: ValidationDetail, title: ValidationTitle);
}

/// <summary>
/// Turns exceptions into problem responses: the framework's BadHttpRequestException keeps its 4xx status with a
/// message a client can act on; anything else is a 500 that reveals nothing but the trace id.
/// </summary>
public sealed partial class ApiExceptionHandler(
    IProblemDetailsService problems, IEnumerable<IUnhandledExceptionObserver> observers, DatabaseOutage outage,
    ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var http = httpContext;
        if (http.Response.HasStarted) return false;

        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = Describe(http, bad);
        }
        else if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away; nobody is listening for an answer
        }
        else if (DatabaseOutage.Classify(exception) is { } kind)
        {
            // The database is down, restarting, full or too slow: the client may retry, and an outage logs once
            // (DatabaseOutage), not once per request. Nothing was committed unless the statement had finished.
            outage.Failed(exception, kind);
            http.Response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = kind == OutageKind.TimedOut
                ? new ProblemDetails
                {
                    Status = StatusCodes.Status504GatewayTimeout,
                    Title = "The database did not answer in time",
                    Detail = "The request timed out waiting for the database; retry after the Retry-After delay.",
                }
                : new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The database is unavailable",
                    Detail = "The database cannot be reached right now; retry after the Retry-After delay.",
                };
        }
        else if (Unstorable(exception) is { } reason)
        {
            // Input that passed validation but that PostgreSQL cannot store (a NUL character, a lone surrogate,
            // a value out of a column's range): the statement failed and changed nothing, and it is the
            // request's fault, so it is a 400 rather than a 500.
            LogUnstorable(logger, http.Request.Method, http.Request.Path, reason);
            problem = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Detail = $"The request contains a value that cannot be stored: {reason}" };
        }
        else
        {
            LogUnhandled(logger, exception, http.Request.Method, http.Request.Path);
            Notify(http, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The server failed to process the request. Quote the traceId when reporting this.",
            };
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string? Unstorable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // Data exceptions that only a stored value can cause: a NUL or invalid byte in text (22021), a \u0000
            // in jsonb (22P05), a string longer than its column (22001), a number out of its column's range (22003).
            // Others in class 22 (division by zero, say) are the server's own bugs and stay 500s.
            if (e is Npgsql.PostgresException { SqlState: "22021" or "22P05" or "22001" or "22003" } pg) return pg.MessageText;
            if (e is System.Text.EncoderFallbackException) return "text that is not valid Unicode (an unpaired surrogate).";
        }
        return null;
    }

    private void Notify(HttpContext http, Exception exception)
    {
        foreach (var observer in observers)
        {
            try
            {
                observer.OnUnhandled(http, exception);
            }
            catch (Exception e)
            {
                // Recording an error must never turn into a second one for the client.
                LogObserverFailed(logger, e, observer.GetType().Name);
            }
        }
    }

    private static ProblemDetails Describe(HttpContext http, BadHttpRequestException e)
    {
        var status = e.StatusCode;
        if (e.InnerException is JsonException json)
            return Invalid("The request body is not valid JSON for this endpoint.", JsonField(json), JsonMessage(json));

        var message = e.Message;
        // The binder throws at its first bad or missing value; the problem lists every one of the request's.
        if (BindFailure().Match(message) is { Success: true } bind)
            return Listed(BindingFailures.FindAll(http) ?? new()
            {
                [bind.Groups["name"].Value] =
                [$"'{bind.Groups["value"].Value}' is not a valid {Describe(bind.Groups["type"].Value)}."]
            }, Problems.ValidationDetail);
        if (MissingParameter().Match(message) is { Success: true } missing)
            return Listed(BindingFailures.FindAll(http) ?? new() { [missing.Groups["name"].Value] = ["Required."] }, Problems.ValidationDetail);
        if (status == 400 && message.Contains("request body", StringComparison.OrdinalIgnoreCase))
            return Invalid("A JSON request body is required.", "body", "Required.");

        return new ProblemDetails { Status = status, Detail = status == 400 ? message : null };

        ProblemDetails Invalid(string detail, string field, string fieldMessage) => Listed(new() { [field] = [fieldMessage] }, detail);

        static ProblemDetails Listed(Dictionary<string, string[]> errors, string detail) => new HttpValidationProblemDetails(errors)
        {
            Status = 400,
            Title = Problems.ValidationTitle,
            Detail = detail,
        };
    }

    private static string JsonField(JsonException e)
    {
        var path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$") return UnmappedProperty().Match(e.Message) is { Success: true } m ? m.Groups["name"].Value : "body";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
    }

    private static string JsonMessage(JsonException e)
    {
        var message = e.Message;
        if (message.StartsWith("The value must be one of", StringComparison.Ordinal)) return message;
        if (UnmappedProperty().Match(message) is { Success: true } unmapped) return $"Unknown property '{unmapped.Groups["name"].Value}'.";
        if (MissingRequired().Match(message) is { Success: true } req) return $"Missing required properties: {req.Groups["names"].Value}.";
        if (message.Contains("doesn't allow setting null", StringComparison.Ordinal) || message.Contains("non-nullable", StringComparison.Ordinal))
            return "null is not allowed here.";
        // A string escaping half a surrogate pair ("\ud800") is valid JSON that no .NET string or UTF-8 text can hold.
        if (e.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
            return StorableText.SurrogateMessage;
        if (message.Contains("could not be converted", StringComparison.Ordinal)) return "The value has the wrong type or is not one of the allowed values.";
        if (e.InnerException is not null || message.Contains("invalid", StringComparison.OrdinalIgnoreCase) || message.Contains("expected", StringComparison.OrdinalIgnoreCase))
            return "Malformed JSON: " + TrimPosition(message);
        return "The value is not valid.";
    }

    private static string TrimPosition(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static string Describe(string clrType) =>
        (clrType.StartsWith("Nullable<", StringComparison.Ordinal) ? clrType[9..^1] : clrType.TrimEnd('?')) switch
        {
            "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "integer",
            "Guid" => "UUID",
            "bool" => "boolean (true or false)",
            "DateTimeOffset" or "DateTime" => "ISO 8601 timestamp",
            _ => "value",
        };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^"]+)" was not provided""")]
    private static partial Regex MissingParameter();

    [GeneratedRegex("""The JSON property '(?<name>[^']*)' could not be mapped""")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("""missing required properties including: (?<names>.*)\.""")]
    private static partial Regex MissingRequired();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Method} {Path}: a value cannot be stored ({Reason})")]
    private static partial void LogUnstorable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unhandled-exception observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

/// <summary>
/// Told about every unhandled exception before its 500 response is written (the Errors slice records them).
/// Implementations must return at once (queue the work) and must not throw.
/// </summary>
public interface IUnhandledExceptionObserver
{
    void OnUnhandled(HttpContext context, Exception exception);
}
