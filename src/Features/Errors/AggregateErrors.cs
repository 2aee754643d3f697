using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// The hourly aggregation: an hour of api_errors becomes one error_aggregations row per (endpoint, severity, category,
/// external service, status code) with its total, distinct users and first/last occurrence. <see cref="Job"/> does
/// every complete hour not aggregated yet (error_aggregation_hours says which are done, so after downtime it catches
/// up), oldest first, a day per transaction, within the retention window (older errors are being deleted anyway).
/// </summary>
public static partial class AggregateErrors
{
    public const int HoursPerBatch = 24;

    /// <summary>
    /// An hour counts as complete this long after it ends: errors are stamped when they happen and a report
    /// committing a moment later must still land in its hour's figures.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(2);

    /// <summary>Serialises every write to error_aggregations (this job on any replica, and admin rebuilds).</summary>
    internal static readonly long WriteLockKey = RecurringJob.LockKey("errors.aggregation-writes");

    public static DateTimeOffset FloorHour(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>The start of the calendar's last hour: the latest value <see cref="CeilingHour"/> can round.</summary>
    public static readonly DateTimeOffset LatestHour = FloorHour(DateTimeOffset.MaxValue);

    public static DateTimeOffset CeilingHour(DateTimeOffset value) =>
        value.UtcTicks % TimeSpan.TicksPerHour == 0 ? value.ToUniversalTime() : FloorHour(value).AddHours(1);

    [DbRow]
    public sealed partial record AggregationRun(int Hours, int Buckets, int Changed, int Removed, DateTimeOffset? FirstHour, DateTimeOffset? LastHour);

    /// <summary>Recomputes hours in [from, to) (only those not done yet when <paramref name="onlyPending"/>), at most <paramref name="maxHours"/>.</summary>
    internal static async Task<AggregationRun> AggregateAsync(NpgsqlConnection connection, DateTimeOffset from, DateTimeOffset to,
        bool onlyPending, int maxHours, CancellationToken ct)
    {
        var (_, run) = await LockedAggregateAsync(connection, WriteLockKey, from, to, onlyPending, maxHours, ct);
        return run;
    }

    /// <summary>
    /// The batch's first statement: the write lock, and no JIT for the rest of the transaction. The planner's estimate
    /// for the hours joined to api_errors always passes jit_above_cost, and compiling took ~0.5 s where a run with
    /// nothing to do takes ~1 ms (a day of 1.5 M errors was slower with JIT too; docs/performance.md). Transaction-local:
    /// a session option (Options=-c jit=off) would be refused by poolers such as PgBouncer.
    /// </summary>
    internal const string LockWithoutJit = "SELECT true FROM pg_advisory_xact_lock(@lockKey), set_config('jit', 'off', true)";

    // One transaction (the batch): the lock first, so the statement's snapshot sees every committed bucket.
    // Rerunning an hour replaces it: buckets whose group has no errors any more (retention deleted them) are
    // removed, the others are upserted on the NULLS NOT DISTINCT key and only rewritten when a figure changed,
    // so running twice leaves identical rows. Hours with no errors are marked done too.
    [Query(
        LockWithoutJit,
        """
        WITH hours AS (
            SELECT h.hour_bucket
            FROM generate_series(
                     greatest(@from::timestamptz,
                              CASE WHEN @onlyPending THEN coalesce(date_trunc('hour', (SELECT min(created_at) FROM api_errors), 'UTC'), @to) END),
                     @to::timestamptz - interval '1 hour', interval '1 hour') AS h(hour_bucket)
            WHERE NOT @onlyPending OR NOT EXISTS (SELECT 1 FROM error_aggregation_hours d WHERE d.hour_bucket = h.hour_bucket)
            ORDER BY h.hour_bucket
            LIMIT @maxHours
        ), fresh AS (
            SELECT h.hour_bucket, e.endpoint, e.severity, e.category, e.external_service, e.status_code,
                   count(*)::integer AS total_errors, count(DISTINCT e.user_id)::integer AS unique_users,
                   min(e.created_at) AS first_occurrence, max(e.created_at) AS last_occurrence
            FROM hours h
            JOIN api_errors e ON e.created_at >= h.hour_bucket AND e.created_at < h.hour_bucket + interval '1 hour'
            GROUP BY h.hour_bucket, e.endpoint, e.severity, e.category, e.external_service, e.status_code
        ), removed AS (
            DELETE FROM error_aggregations a
            USING hours h
            WHERE a.hour_bucket = h.hour_bucket
              -- The key as record text: NULL and '' stay distinct ("(,…)" vs "("",…)") and, unlike
              -- IS NOT DISTINCT FROM, it hashes, so this is a hash anti-join rather than a nested loop.
              AND NOT EXISTS (
                  SELECT 1 FROM fresh f
                  WHERE f.hour_bucket = a.hour_bucket
                    AND ROW(f.endpoint, f.severity, f.category, f.external_service, f.status_code)::text
                      = ROW(a.endpoint, a.severity, a.category, a.external_service, a.status_code)::text)
            RETURNING a.id
        ), written AS (
            INSERT INTO error_aggregations AS a (hour_bucket, endpoint, severity, category, external_service, status_code,
                                                 total_errors, unique_users, first_occurrence, last_occurrence)
            SELECT hour_bucket, endpoint, severity, category, external_service, status_code,
                   total_errors, unique_users, first_occurrence, last_occurrence
            FROM fresh
            ORDER BY hour_bucket, endpoint, severity, category, external_service, status_code
            ON CONFLICT ON CONSTRAINT error_aggregations_bucket_key DO UPDATE
            SET total_errors = EXCLUDED.total_errors, unique_users = EXCLUDED.unique_users,
                first_occurrence = EXCLUDED.first_occurrence, last_occurrence = EXCLUDED.last_occurrence
            WHERE (a.total_errors, a.unique_users, a.first_occurrence, a.last_occurrence)
                  IS DISTINCT FROM (EXCLUDED.total_errors, EXCLUDED.unique_users, EXCLUDED.first_occurrence, EXCLUDED.last_occurrence)
            RETURNING a.id
        ), marked AS (
            INSERT INTO error_aggregation_hours (hour_bucket)
            SELECT hour_bucket FROM hours
            ON CONFLICT (hour_bucket) DO UPDATE SET aggregated_at = now()
            RETURNING hour_bucket
        )
        SELECT (SELECT count(*) FROM marked)::integer AS hours,
               (SELECT count(*) FROM fresh)::integer AS buckets,
               (SELECT count(*) FROM written)::integer AS changed,
               (SELECT count(*) FROM removed)::integer AS removed,
               (SELECT min(hour_bucket) FROM marked) AS first_hour,
               (SELECT max(hour_bucket) FROM marked) AS last_hour
        """)]
    private static partial Task<(bool, AggregationRun)> LockedAggregateAsync(NpgsqlConnection connection, long lockKey,
        DateTimeOffset from, DateTimeOffset to, bool onlyPending, int maxHours, CancellationToken ct);

    /// <summary>Runs the aggregation every Errors:AggregationIntervalSeconds on one replica at a time.</summary>
    public sealed partial class Job(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> jobs, IOptions<ErrorsSettings> options, TimeProvider clock,
        ILogger<Job> logger) : RecurringJob(db, schema, jobs, clock, logger)
    {
        private readonly ErrorsSettings _settings = options.Value;

        protected override string Name => "errors.aggregate";

        protected override TimeSpan Interval => TimeSpan.FromSeconds(_settings.AggregationIntervalSeconds);

        protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            var now = Clock.GetUtcNow();
            var completeBefore = FloorHour(now - SettleTime);
            var earliest = _settings.RetentionDays > 0 ? FloorHour(now.AddDays(-_settings.RetentionDays)) : DateTimeOffset.UnixEpoch;
            long rows = 0;
            while (true)
            {
                var run = await AggregateAsync(connection, earliest, completeBefore, onlyPending: true, HoursPerBatch, ct);
                if (run.Hours > 0) LogAggregated(logger, run.Hours, run.FirstHour, run.LastHour, run.Buckets, run.Removed);
                rows += run.Buckets + run.Removed;
                if (run.Hours < HoursPerBatch) return rows;
            }
        }

        [LoggerMessage(Level = LogLevel.Information,
            Message = "Aggregated {Hours} error hour(s) from {FirstHour:o} to {LastHour:o}: {Buckets} bucket(s), {Removed} stale bucket(s) removed")]
        private static partial void LogAggregated(ILogger logger, int hours, DateTimeOffset? firstHour, DateTimeOffset? lastHour, int buckets, int removed);
    }
}
