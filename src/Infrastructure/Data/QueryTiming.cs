using System.Diagnostics;

namespace AssetForge.Infrastructure.Data;

/// <summary>
/// Every generated query body reports its name and how long it ran, from before its command executes until its
/// reader is done, failed or not. The slow-query log observes this instead of Npgsql's command activities: listening
/// to those made Npgsql start an <c>Activity</c> for every command, and build a batch's whole SQL text for it, even
/// with no tracer exporting anything. Observers are process-wide, as activity listeners are.
/// </summary>
public static class QueryTiming
{
    private static Action<string, TimeSpan>[] _observers = [];
    private static readonly Lock Gate = new();

    public static long Start() => Stopwatch.GetTimestamp();

    /// <param name="query">The generated method's full name, a constant ("AssetForge.Features.Pipelines.GetPipeline.FindAsync").</param>
    /// <param name="started">What <see cref="Start"/> returned before the command ran.</param>
    public static void Stop(string query, long started)
    {
        var observers = Volatile.Read(ref _observers);
        if (observers.Length == 0) return;
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var observe in observers) observe(query, elapsed);
    }

    /// <summary>Calls <paramref name="observe"/> after every generated query until the result is disposed.</summary>
    public static IDisposable Observe(Action<string, TimeSpan> observe)
    {
        lock (Gate) _observers = [.. _observers, observe];
        return new Subscription(observe);
    }

    private sealed class Subscription(Action<string, TimeSpan> observe) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) _observers = [.. _observers.Where(o => o != observe)];
        }
    }
}
