using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Infrastructure.Jobs;

/// <summary>
/// A background job that runs every <see cref="Interval"/> on at most one replica at a time: each run
/// holds a PostgreSQL session advisory lock, so a second replica skips the run instead of doing it twice. The first
/// run comes Jobs:StartDelaySeconds after the migrations are applied; delay and interval run on the app's one clock.
/// Set Jobs:Enabled=false to stop the schedule (tests call <see cref="TryRunAsync"/> directly).
/// </summary>
public abstract partial class RecurringJob(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> settings, TimeProvider clock,
    ILogger logger) : BackgroundWork
{
    /// <summary>The app's one clock (tests move a fake one).</summary>
    protected TimeProvider Clock { get; } = clock;

    protected abstract string Name { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>
    /// One run; returns the rows it wrote or deleted (the assetforge.job.rows metric). Work in batches with short
    /// transactions; the lock is held for the whole run.
    /// </summary>
    protected abstract Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct);

    /// <summary>Runs once if no other replica is running this job; false when the lock was taken elsewhere.</summary>
    public async Task<bool> TryRunAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (outcome, rows) = ("failed", 0L);
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var key = LockKey(Name);
            if (!await TryLockAsync(connection, key, ct))
            {
                outcome = "locked";
                LogSkipped(logger, Name);
                return false;
            }
            try
            {
                rows = await RunAsync(connection, ct);
                outcome = "completed";
                return true;
            }
            finally
            {
                await UnlockAsync(connection, key, CancellationToken.None);
            }
        }
        finally
        {
            AppMetrics.JobRun(Name, outcome, Stopwatch.GetElapsedTime(started), rows);
        }
    }

    protected override async Task RunUntilStoppedAsync(CancellationToken stoppingToken)
    {
        if (!settings.Value.Enabled) return;
        // The host starts while the migrations are applied: the first run waits for its tables.
        if (!await schema.Outcome.WaitAsync(stoppingToken)) return;
        await Task.Delay(TimeSpan.FromSeconds(settings.Value.StartDelaySeconds), Clock, stoppingToken);
        using var timer = new PeriodicTimer(Interval, Clock);
        do
        {
            try
            {
                await TryRunAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed run (database briefly away, say) must not end the schedule.
                LogFailed(logger, e, Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>A stable 64-bit advisory-lock key derived from the job's name.</summary>
    public static long LockKey(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("assetforge.job." + name)));

    [Query("SELECT pg_try_advisory_lock(@key)")]
    private static partial Task<bool> TryLockAsync(NpgsqlConnection connection, long key, CancellationToken ct);

    [Query("SELECT pg_advisory_unlock(@key)")]
    private static partial Task<bool> UnlockAsync(NpgsqlConnection connection, long key, CancellationToken ct);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} skipped: another replica holds its lock")]
    private static partial void LogSkipped(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed; it will run again at its next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);
}
