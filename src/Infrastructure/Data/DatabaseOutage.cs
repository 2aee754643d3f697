using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Infrastructure.Data;

/// <summary>How a database failure is answered: 503 (unreachable, refusing, shutting down) or 504 (did not answer in time).</summary>
public enum OutageKind { Unavailable, TimedOut }

/// <summary>
/// Tells transient database failures (the server is down, restarting, full or slow) from everything else, and keeps
/// one bit of state: whether the database is currently known to be unreachable. The first failure logs one Warning
/// and starts a probe that logs one Warning when the database answers again; failures in between log nothing, so an
/// outage costs two log lines instead of a stack trace per request.
/// </summary>
public sealed partial class DatabaseOutage(NpgsqlDataSource db, IOptions<DatabaseSettings> settings, ILogger<DatabaseOutage> logger,
    IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);
    private int _down;
    private DateTimeOffset _since;

    /// <summary>Retry-After for a 503/504 (Database:RetryAfterSeconds, default 2).</summary>
    public int RetryAfterSeconds { get; } = settings.Value.RetryAfterSeconds;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    /// <summary>The kind of outage <paramref name="exception"/> shows, or null when it is not a transient database failure.</summary>
    public static OutageKind? Classify(Exception exception)
    {
        var npgsql = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState switch
                    {
                        // canceling statement due to statement timeout / lock timeout (the client's own cancel never gets here)
                        "57014" or "55P03" => OutageKind.TimedOut,
                        // admin_shutdown, crash_shutdown, cannot_connect_now (starting up), too many connections, out of
                        // resources, connection exceptions, system/IO errors on the server, serialization failure, deadlock
                        "57P01" or "57P02" or "57P03" or "57P05" or "40001" or "40P01" => OutageKind.Unavailable,
                        _ when pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                               || pg.SqlState.StartsWith("58", StringComparison.Ordinal) => OutageKind.Unavailable,
                        _ => null,
                    };
                case TimeoutException:
                    return OutageKind.TimedOut; // command timeout, or no pooled connection in time
                case NpgsqlException:
                    npgsql = true; // a client-side failure: keep looking for its cause
                    break;
                case SocketException or IOException or EndOfStreamException:
                    return OutageKind.Unavailable;
            }
        }
        // An NpgsqlException that is not a server error is the connection failing (refused, reset, broken stream).
        return npgsql ? OutageKind.Unavailable : null;
    }

    /// <summary>Records a transient failure: the first one of an outage logs a Warning and starts the recovery probe.</summary>
    public void Failed(Exception exception, OutageKind kind)
    {
        if (Interlocked.CompareExchange(ref _down, 1, 0) != 0) return;
        _since = DateTimeOffset.UtcNow;
        // Idle pooled connections died with the server: drop them so none is handed out after it returns.
        db.Clear();
        LogDown(logger, Host(), kind == OutageKind.TimedOut ? "timed out" : "unreachable", Cause(exception));
        // Not on the failed request's execution context: the probe outlives it, and its log line and SELECT 1 would
        // otherwise join that request's trace and log scope.
        using (ExecutionContext.SuppressFlow()) _ = Task.Run(ProbeUntilBackAsync);
    }

    /// <summary>A request reached the database: ends a recorded outage early (the probe may not have run yet).</summary>
    public void Succeeded()
    {
        if (Interlocked.CompareExchange(ref _down, 0, 1) != 1) return;
        LogBack(logger, Host(), (DateTimeOffset.UtcNow - _since).TotalSeconds);
    }

    private async Task ProbeUntilBackAsync()
    {
        var stopping = lifetime.ApplicationStopping;
        while (IsDown && !stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ProbeEvery, stopping);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await using var command = db.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                db.Clear(); // any connection opened before the probe succeeded may be a broken one
                Succeeded();
            }
            catch (Exception) when (!stopping.IsCancellationRequested)
            {
                // still away: the outage was logged once when it began
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private string Host()
    {
        var csb = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        return $"{csb.Host}:{csb.Port}";
    }

    /// <summary>The innermost message, on one line: what an operator needs, without a stack trace.</summary>
    public static string Cause(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
            if (messages.Count == 0 || messages[^1] != e.Message) messages.Add(e.Message);
        return string.Join(" <- ", messages).ReplaceLineEndings(" ");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database {Host} {State}: {Cause}. Requests that need it are answered 503/504 until it is back.")]
    private static partial void LogDown(ILogger logger, string host, string state, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database {Host} is back after {Seconds:0.0} s.")]
    private static partial void LogBack(ILogger logger, string host, double seconds);
}
