using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace AssetForge.Tests.Support;

/// <summary>One log line as the application wrote it, with the scope values (TraceId, SpanId, …) that were active.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scope);

/// <summary>Keeps every log line of one host, scopes included, as the console formatters would see them.</summary>
public sealed class ScopedLogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Lines { get; } = new();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(ScopedLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((value, into) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (key, v) in pairs) into[key] = v;
            }, scope);
            owner.Lines.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception, scope));
        }
    }
}

/// <summary>
/// OpenTelemetry reports its own failures (a scrape that threw, an instrument it refused) on event sources, not in
/// logs: kept here so a failed assertion can say what the SDK said.
/// </summary>
public sealed class OpenTelemetryEvents : EventListener
{
    public static readonly OpenTelemetryEvents Instance = new();

    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name.StartsWith("OpenTelemetry", StringComparison.Ordinal)) EnableEvents(eventSource, EventLevel.Warning);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData) =>
        _lines?.Enqueue($"{eventData.EventSource.Name}/{eventData.EventName}: " + (eventData.Message is { } format
            ? string.Format(CultureInfo.InvariantCulture, format, eventData.Payload?.ToArray() ?? [])
            : string.Join(", ", eventData.Payload ?? [])));
}

public static class Tracing
{
    /// <summary>A fresh W3C trace context for a request to continue: (header value, trace id, parent span id).</summary>
    public static (string Header, string TraceId, string SpanId) NewTraceparent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        return ($"00-{traceId}-{spanId}-01", traceId, spanId);
    }

    /// <summary>Sends a GET through the test server as if it arrived on <paramref name="localPort"/>.</summary>
    public static Task<HttpContext> GetOnPortAsync(TestServer server, string path, int localPort) =>
        server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = path;
            http.Connection.LocalPort = localPort;
        });

    public static async Task<string> BodyAsync(this HttpContext http)
    {
        using var reader = new StreamReader(http.Response.Body);
        return await reader.ReadToEndAsync();
    }
}
