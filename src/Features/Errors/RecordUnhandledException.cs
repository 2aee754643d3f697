using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using AssetForge.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// The API's own unhandled exceptions become api_errors rows (status 500, category inferred from the exception,
/// request id = the problem response's traceId). The shared exception handler calls <see cref="Recorder.OnUnhandled"/>
/// before writing the 500: it copies what it needs from the request and queues it, nothing more. A background writer
/// inserts the rows; when the database is slow or down the response never waits, and the writer logs and drops.
/// </summary>
public static partial class RecordUnhandledException
{
    /// <summary>What is kept of a failed request once its HttpContext is gone.</summary>
    internal sealed record Captured(
        Guid Id, DateTimeOffset OccurredAt, string RequestId, string Endpoint, string Method, string? Route, string? Query,
        Guid? UserId, string? IpAddress, string? UserAgent, KeyValuePair<string, string>[] Headers, Exception Exception);

    public sealed partial class Recorder : BackgroundWork, IUnhandledExceptionObserver
    {
        private readonly NpgsqlDataSource _db;
        private readonly TimeProvider _clock;
        private readonly ILogger<Recorder> _logger;
        private readonly Channel<Captured> _queue;
        private long _dropped;
        private bool _failing;

        public Recorder(NpgsqlDataSource db, TimeProvider clock, IOptions<ErrorsSettings> settings, ILogger<Recorder> logger)
        {
            _db = db;
            _clock = clock;
            _logger = logger;
            var capacity = settings.Value.UnhandledQueueCapacity;
            // Never block a request: when the writer falls behind, the oldest queued error gives way.
            _queue = Channel.CreateBounded<Captured>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ =>
                {
                    Interlocked.Increment(ref _dropped);
                    AppMetrics.UnhandledQueued.Add(-1);
                    AppMetrics.UnhandledDropped.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
                });
        }

        /// <summary>Errors dropped because the queue was full or the database refused them (for logs and tests).</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        public void OnUnhandled(HttpContext context, Exception exception)
        {
            var http = context;
            var request = http.Request;
            var where = http.Features.Get<IExceptionHandlerPathFeature>();
            var headers = new KeyValuePair<string, string>[request.Headers.Count];
            var i = 0;
            // Credentials are masked right away: they never sit in the queue, let alone in the database.
            foreach (var (name, values) in request.Headers)
                headers[i++] = new(name, Redaction.IsSensitiveName(name) ? Redaction.Marker : values.ToString());

            AppMetrics.UnhandledQueued.Add(1);
            _queue.Writer.TryWrite(new Captured(
                Guid.CreateVersion7(),
                _clock.GetUtcNow(),
                // The same expression the problem response's traceId uses, so a client quoting it finds this row.
                Correlation.TraceId(http),
                (request.PathBase + (where?.Path ?? request.Path)).ToString(),
                request.Method,
                (where?.Endpoint as RouteEndpoint)?.RoutePattern.RawText,
                request.QueryString.HasValue ? request.QueryString.Value : null,
                CurrentUser.From(http.User)?.Id,
                RequestOrigin.IpAddress(http),
                RequestOrigin.UserAgent(http),
                headers,
                exception));
        }

        // On shutdown what is still queued is lost, as it would be in a crash.
        protected override async Task RunUntilStoppedAsync(CancellationToken stoppingToken)
        {
            await foreach (var error in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                AppMetrics.UnhandledQueued.Add(-1);
                await WriteAsync(error, stoppingToken);
            }
        }

        private async Task WriteAsync(Captured error, CancellationToken ct)
        {
            try
            {
                var e = error.Exception;
                var context = JsonSerializer.SerializeToElement(
                    new UnhandledContext(e.GetType().FullName ?? e.GetType().Name, error.Route is null ? null : StoredText.Clean(error.Route),
                        error.Query is null ? null : StoredText.Clean(Redaction.Text(error.Query))),
                    ErrorsJsonContext.Default.UnhandledContext);
                // Whatever the exception says must be storable: NULs and lone surrogates would make the INSERT fail.
                await InsertAsync(_db, error.Id, error.UserId, StoredText.Clean(Redaction.Truncate(error.RequestId, 255)),
                    StoredText.Clean(Redaction.Text(error.Endpoint, 512)!), StoredText.Clean(Redaction.Truncate(error.Method, 10)),
                    StoredText.Clean(ErrorCode(e)), StoredText.Clean(Redaction.Text(e.Message)),
                    StoredText.Clean(Redaction.Text(e.ToString(), ReportError.MaxStackLength)!), Categorize(e),
                    Redaction.Headers(error.Headers.Select(h => KeyValuePair.Create(StoredText.Clean(h.Key), StoredText.Clean(h.Value)))),
                    context, error.IpAddress, error.UserAgent, error.OccurredAt, ct);
                if (_failing)
                {
                    _failing = false;
                    LogRecovered(_logger, Dropped);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _dropped);
                AppMetrics.UnhandledDropped.Add(1, new KeyValuePair<string, object?>("reason", "write_failed"));
                // One error per outage, not one per request: a down database would otherwise flood the log.
                if (!_failing) LogWriteFailed(_logger, e, error.RequestId);
                _failing = true;
            }
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not record an unhandled exception (request {RequestId}) in api_errors; dropping it and any that fail after it until the database answers again")]
        private static partial void LogWriteFailed(ILogger logger, Exception exception, string requestId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Recording unhandled exceptions in api_errors again; {Dropped} dropped since start")]
        private static partial void LogRecovered(ILogger logger, long dropped);
    }

    public sealed record UnhandledContext(string ExceptionType, string? Route, string? Query);

    /// <summary>The most specific category any exception in the chain points to.</summary>
    public static ErrorCategory Categorize(Exception exception)
    {
        var chain = Chain(exception).ToList();
        if (chain.Any(e => e is NpgsqlException)) return ErrorCategory.Database;
        if (chain.Any(e => e is HttpRequestException)) return ErrorCategory.ExternalApi;
        if (chain.Any(e => e is SocketException)) return ErrorCategory.Network;
        if (chain.Any(e => e is IOException or UnauthorizedAccessException)) return ErrorCategory.FileSystem;
        if (chain.Any(e => e is FluentValidation.ValidationException)) return ErrorCategory.Validation;
        return ErrorCategory.Application;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (e.InnerException is { } inner)
                pending.Push(inner);
        }
    }

    private static string ErrorCode(Exception e) => Redaction.Truncate(e switch
    {
        PostgresException pg => "postgres:" + pg.SqlState,
        _ => e.GetType().Name,
    }, 100);

    [Execute("""
        INSERT INTO api_errors (id, user_id, request_id, endpoint, method, error_code, error_message, error_stack, severity,
                                category, status_code, request_headers, context, ip_address, user_agent, created_at)
        VALUES (@id, @userId, @requestId, @endpoint, @method, @errorCode, @message, @stack, 'error', @category, 500, @requestHeaders, @context, @ipAddress, @userAgent, @occurredAt)
        """)]
    private static partial Task InsertAsync(NpgsqlDataSource db, Guid id, Guid? userId, string requestId, string endpoint, string method,
        string errorCode, string message, string? stack, ErrorCategory category, JsonElement requestHeaders, JsonElement context,
        string? ipAddress, string? userAgent, DateTimeOffset occurredAt, CancellationToken ct);
}
