using AssetForge.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// A Warning for every statement slower than Database:SlowQueryMilliseconds (default 500; 0 turns it off), naming
/// the generated query, its duration and the route that ran it, and never its parameter values (they may be anyone's
/// data); plus <see cref="AppMetrics.SlowQueries"/> by query. The generated queries time themselves
/// (<see cref="QueryTiming"/>), so it works whether or not tracing is on and costs a request two clock reads.
/// </summary>
public sealed partial class SlowQueryLog : IHostedService, IDisposable
{
    private readonly TimeSpan _threshold;
    private readonly IHttpContextAccessor _http;
    private readonly ILogger<SlowQueryLog> _logger;
    private IDisposable? _subscription;

    public SlowQueryLog(IOptions<DatabaseSettings> settings, IHttpContextAccessor http, ILogger<SlowQueryLog> logger)
    {
        _threshold = settings.Value.SlowQuery;
        _http = http;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_threshold <= TimeSpan.Zero) return Task.CompletedTask;
        _subscription = QueryTiming.Observe(OnCompleted);
        return Task.CompletedTask;
    }

    private void OnCompleted(string fullName, TimeSpan duration)
    {
        if (duration < _threshold) return;
        var query = QueryNames.WithoutPrefix(fullName);
        AppMetrics.SlowQueries.Add(1, new KeyValuePair<string, object?>("query", query));
        // The generated query reports on its caller's async flow, so the request that ran it is still current.
        var route = (_http.HttpContext?.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route: background work)";
        LogSlow(_logger, query, Math.Round(duration.TotalMilliseconds, 1), route, (long)_threshold.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow query {Query}: {DurationMs} ms on {Route} (threshold {ThresholdMs} ms)")]
    private static partial void LogSlow(ILogger logger, string query, double durationMs, string route, long thresholdMs);
}
