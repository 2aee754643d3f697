using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// The service's own instruments, on one meter. Static because the code that counts (handlers, jobs, the token cache)
/// is static or short-lived, and an instrument with no listener costs one branch. Every label value comes from a
/// closed set (an enum label, a job or query name, hit/miss): never from request text, so the series stay bounded.
/// README.md has the table of names, meanings and labels.
/// </summary>
public static class AppMetrics
{
    public const string MeterName = "AssetForge";

    public static readonly Meter Meter = new(MeterName, typeof(AppMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> PipelinesCreated =
        Meter.CreateCounter<long>("assetforge.pipelines.created", "{pipeline}", "Pipelines created.");

    public static readonly Counter<long> PipelinesFinished =
        Meter.CreateCounter<long>("assetforge.pipelines.finished", "{pipeline}", "Pipelines that reached a final status, by status.");

    public static readonly Histogram<double> StageDuration =
        Meter.CreateHistogram<double>("assetforge.pipeline.stage.duration", "s", "Time from processing to a final stage status, by that status.");

    public static readonly Counter<long> ErrorsReported =
        Meter.CreateCounter<long>("assetforge.errors.reported", "{error}", "Client-reported errors stored, by severity and category.");

    public static readonly UpDownCounter<long> UnhandledQueued =
        Meter.CreateUpDownCounter<long>("assetforge.errors.unhandled.queue.length", "{error}", "Unhandled exceptions waiting to be written to api_errors.");

    public static readonly Counter<long> UnhandledDropped =
        Meter.CreateCounter<long>("assetforge.errors.unhandled.dropped", "{error}", "Unhandled exceptions never written to api_errors, by reason.");

    public static readonly Counter<long> JobRuns =
        Meter.CreateCounter<long>("assetforge.job.runs", "{run}", "Background job runs, by job and outcome (completed, failed, locked: another replica held the lock).");

    public static readonly Histogram<double> JobDuration =
        Meter.CreateHistogram<double>("assetforge.job.duration", "s", "Background job run time, by job and outcome.");

    public static readonly Counter<long> JobRows =
        Meter.CreateCounter<long>("assetforge.job.rows", "{row}", "Rows a background job updated or deleted, by job.");

    // Every authenticated request looks a token up, so the two totals are plain fields a collection reads, not a
    // Counter.Add: that was one of the five measurements recorded per request, each a tag lookup in the SDK's
    // aggregator (docs/performance.md, "What telemetry costs").
    private static long tokenCacheHits, tokenCacheMisses;

    public static readonly ObservableCounter<long> TokenCacheLookups =
        Meter.CreateObservableCounter("assetforge.auth.token_cache.lookups", () => new[]
            {
                new Measurement<long>(Volatile.Read(ref tokenCacheHits), new KeyValuePair<string, object?>("result", "hit")),
                new Measurement<long>(Volatile.Read(ref tokenCacheMisses), new KeyValuePair<string, object?>("result", "miss")),
            },
            "{lookup}", "Bearer-token cache lookups, by result (hit, miss).");

    // Observed, not counted: an Add(+1)/Add(-1) pair of which a listener saw only the second half (a provider that
    // started while the stream was open) would report a negative count for as long as the process lives.
    private static readonly ConcurrentDictionary<object, Func<int>> OpenEventStreams = new();

    public static readonly ObservableUpDownCounter<int> EventStreamsOpen =
        Meter.CreateObservableUpDownCounter("assetforge.pipelines.event_streams.open", () => OpenEventStreams.Values.Sum(open => open()),
            "{stream}", "Server-sent event streams open in this process (both pipeline event routes).");

    /// <summary>Reports <paramref name="open"/> as the open-event-streams gauge until the returned handle is disposed.</summary>
    public static IDisposable ObserveEventStreams(Func<int> open)
    {
        var key = new object();
        OpenEventStreams[key] = open;
        return new Unregister(() => OpenEventStreams.TryRemove(key, out _));
    }

    private sealed class Unregister(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    public static readonly Counter<long> SlowQueries =
        Meter.CreateCounter<long>("assetforge.db.slow_queries", "{statement}", "Statements slower than Database:SlowQueryMilliseconds, by generated query.");

    public static void PipelineFinished(string status) => PipelinesFinished.Add(1, new KeyValuePair<string, object?>("status", status));

    public static void StageFinished(string status, int? durationMs)
    {
        if (durationMs is { } ms) StageDuration.Record(ms / 1000.0, new KeyValuePair<string, object?>("status", status));
    }

    public static void ErrorReported(string severity, string category) =>
        ErrorsReported.Add(1, new KeyValuePair<string, object?>("severity", severity), new KeyValuePair<string, object?>("category", category));

    public static void JobRun(string job, string outcome, TimeSpan elapsed, long rows)
    {
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        JobRuns.Add(1, tags);
        JobDuration.Record(elapsed.TotalSeconds, tags);
        if (rows > 0) JobRows.Add(rows, new KeyValuePair<string, object?>("job", job));
    }

    public static void TokenCache(bool hit)
    {
        if (hit) Interlocked.Increment(ref tokenCacheHits);
        else Interlocked.Increment(ref tokenCacheMisses);
    }
}
