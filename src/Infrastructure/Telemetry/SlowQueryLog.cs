using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// A Warning for every statement slower than Database:SlowQueryMilliseconds (default 500; 0 turns it off), naming
/// the generated query, its duration and the route that ran it, and never its parameter values (they may be anyone's
/// data); plus <see cref="AppMetrics.SlowQueries"/> by query. It listens to Npgsql's command activities itself, asking
/// only for propagation data, so it works whether or not tracing is exported and without recording tags.
/// </summary>
public sealed partial class SlowQueryLog : IHostedService, IDisposable
{
    private readonly TimeSpan _threshold;
    private readonly IHttpContextAccessor _http;
    private readonly ILogger<SlowQueryLog> _logger;
    private ActivityListener? _listener;

    public SlowQueryLog(IOptions<DatabaseSettings> settings, IHttpContextAccessor http, ILogger<SlowQueryLog> logger)
    {
        _threshold = settings.Value.SlowQuery;
        _http = http;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_threshold <= TimeSpan.Zero) return Task.CompletedTask;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    private void OnStopped(Activity activity)
    {
        if (activity.Duration < _threshold) return;
        var query = activity.DisplayName;
        // Npgsql also traces physical connection opens ("CONNECT <database>"): slow, maybe, but not a query.
        if (query.StartsWith("CONNECT ", StringComparison.Ordinal)) return;
        AppMetrics.SlowQueries.Add(1, new KeyValuePair<string, object?>("query", query));
        // The stop runs on the command's own async flow, so the request that issued it is still current.
        var route = (_http.HttpContext?.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route: background work)";
        LogSlow(_logger, query, Math.Round(activity.Duration.TotalMilliseconds, 1), route, (long)_threshold.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow query {Query}: {DurationMs} ms on {Route} (threshold {ThresholdMs} ms)")]
    private static partial void LogSlow(ILogger logger, string query, double durationMs, string route, long thresholdMs);
}
