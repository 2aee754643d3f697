using AssetForge.Features.Errors;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Features.Errors;

/// <summary>The hourly aggregation job, run explicitly at a clock the test sets (each test gets its own stretch of time).</summary>
public sealed class AggregateErrorsTests(ClockedApiFactory factory) : IClassFixture<ClockedApiFactory>
{
    private static int _day;

    /// <summary>A fresh hour far from other tests' data: every test works in its own day.</summary>
    private static DateTimeOffset NewDay()
    {
        var day = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref _day) * 3);
        return day;
    }

    [Fact]
    public async Task Its_transaction_plans_without_jit_and_leaves_the_session_as_it_was()
    {
        // The batch's later statements are planned after its first one has run, as the job's statement is.
        await using var connection = await factory.Db.OpenConnectionAsync();
        await using (var on = new NpgsqlCommand("SET jit = on", connection)) await on.ExecuteNonQueryAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(AggregateErrors.LockWithoutJit) { Parameters = { new("lockKey", AggregateErrors.WriteLockKey) } },
                new NpgsqlBatchCommand("SELECT current_setting('jit')"),
            },
        };
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync() && reader.GetBoolean(0));
            Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
            Assert.Equal("off", reader.GetString(0));
        }
        await using var after = new NpgsqlCommand("SHOW jit", connection);
        Assert.Equal("on", await after.ExecuteScalarAsync());
    }

    private async Task RunJobAsync(DateTimeOffset now)
    {
        factory.Clock.AdjustTime(now);
        Assert.True(await factory.Services.GetRequiredService<AggregateErrors.Job>().TryRunAsync(CancellationToken.None));
    }

    /// <summary>Every column of every bucket of the range, as text: "identical rows" means this does not change.</summary>
    private Task<List<string>> BucketsAsync(DateTimeOffset from, DateTimeOffset to) => factory.Db.ColumnAsync<string>("""
        SELECT concat_ws('|', id, hour_bucket, coalesce(endpoint, '<null>'), coalesce(severity::text, '<null>'),
                         coalesce(category::text, '<null>'), coalesce(external_service, '<null>'), coalesce(status_code::text, '<null>'),
                         total_errors, unique_users, first_occurrence, last_occurrence, updated_at)
        FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2
        ORDER BY hour_bucket, endpoint, severity, category, external_service, status_code
        """, from.UtcDateTime, to.UtcDateTime);

    private Task<List<string>> FiguresAsync(DateTimeOffset from, DateTimeOffset to) => factory.Db.ColumnAsync<string>("""
        SELECT concat_ws('|', to_char(hour_bucket AT TIME ZONE 'UTC', 'HH24'), endpoint, severity, category,
                         coalesce(external_service, '-'), coalesce(status_code::text, '-'), total_errors, unique_users)
        FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2
        ORDER BY hour_bucket, endpoint, severity, category, external_service, status_code
        """, from.UtcDateTime, to.UtcDateTime);

    [Fact]
    public async Task A_complete_hour_becomes_one_bucket_per_group_with_totals_users_and_occurrences()
    {
        var day = NewDay();
        var hour = day.AddHours(10);
        var (ann, bob) = (await Arrange.NewUserAsync(factory.Db), await Arrange.NewUserAsync(factory.Db));
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(5), "/api/a", "error", "database", userId: ann, statusCode: 500);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(50), "/api/a", "error", "database", userId: ann, statusCode: 500);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(20), "/api/a", "error", "database", userId: bob, statusCode: 500);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(30), "/api/a", "error", "database", statusCode: 500); // anonymous
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(31), "/api/a", "warning", "database", statusCode: 500);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(32), "/api/b", "error", "external_api", externalService: "meshy", statusCode: 502);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(59).AddSeconds(59), "/api/b", "error", "external_api", externalService: "meshy", statusCode: 502);
        await ErrorRows.InsertAsync(factory.Db, hour.AddHours(1), "/api/b", "error", "external_api", externalService: "meshy", statusCode: 502); // next hour

        await RunJobAsync(hour.AddHours(1).Add(AggregateErrors.SettleTime).AddSeconds(1));

        Assert.Equal(
        [
            "10|/api/a|warning|database|-|500|1|0",
            "10|/api/a|error|database|-|500|4|2",
            "10|/api/b|error|external_api|meshy|502|2|0",
        ], await FiguresAsync(hour, hour.AddHours(1)));
        Assert.Equal($"{hour.AddMinutes(5):yyyy-MM-dd HH:mm}|{hour.AddMinutes(50):yyyy-MM-dd HH:mm}", await factory.Db.ScalarAsync<string>("""
            SELECT to_char(first_occurrence AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '|' || to_char(last_occurrence AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            FROM error_aggregations WHERE hour_bucket = $1 AND endpoint = '/api/a' AND severity = 'error'
            """, hour.UtcDateTime));
        // The hour in progress (11:00, with one error) is not aggregated yet.
        Assert.Empty(await FiguresAsync(hour.AddHours(1), hour.AddHours(2)));
        Assert.False(await factory.Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM error_aggregation_hours WHERE hour_bucket = $1)", hour.AddHours(1).UtcDateTime));
    }

    [Fact]
    public async Task An_hour_is_left_alone_until_it_has_settled()
    {
        var hour = NewDay().AddHours(7);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(59), "/api/late");

        await RunJobAsync(hour.AddHours(1).AddSeconds(30)); // ended, but a report stamped 07:59:59 may still be committing
        Assert.Empty(await FiguresAsync(hour, hour.AddHours(1)));

        await RunJobAsync(hour.AddHours(1).Add(AggregateErrors.SettleTime));
        Assert.Single(await FiguresAsync(hour, hour.AddHours(1)));
    }

    [Fact]
    public async Task Null_grouping_keys_land_on_one_bucket_and_stay_one_when_rerun()
    {
        var hour = NewDay().AddHours(3);
        for (var i = 0; i < 3; i++) await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(i), "/api/n", "error", "unknown");
        // A bucket with a NULL endpoint (written by the old service, say) is a key like any other.
        await factory.Db.ExecuteAsync("""
            INSERT INTO error_aggregations (hour_bucket, endpoint, severity, category, total_errors) VALUES ($1, NULL, NULL, NULL, 9)
            """, hour.AddHours(-20).UtcDateTime);

        await RunJobAsync(hour.AddHours(2));
        await RebuildAsync(connection => AggregateErrors.AggregateAsync(connection, hour, hour.AddHours(1), onlyPending: false, 1, default));
        await RebuildAsync(connection => AggregateErrors.AggregateAsync(connection, hour, hour.AddHours(1), onlyPending: false, 1, default));

        Assert.Equal(["03|/api/n|error|unknown|-|-|3|0"], await FiguresAsync(hour, hour.AddHours(1)));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("""
            SELECT count(*) FROM error_aggregations
            WHERE hour_bucket = $1 AND external_service IS NULL AND status_code IS NULL
            """, hour.UtcDateTime));
        // Rebuilding the NULL-keyed bucket's hour (no errors there) replaces it with nothing, once, without a key error.
        var run = await RebuildAsync(connection => AggregateErrors.AggregateAsync(connection, hour.AddHours(-20), hour.AddHours(-19), false, 1, default));
        Assert.Equal(1, run.Removed);
        Assert.Empty(await BucketsAsync(hour.AddHours(-20), hour.AddHours(-19)));
    }

    [Fact]
    public async Task After_downtime_one_run_catches_up_every_missed_hour_oldest_first()
    {
        var day = NewDay();
        await RunJobAsync(day); // the job was last up at midnight
        var missed = new[] { 1, 2, 4, 7, 30, 41 }; // hours after midnight with errors, over almost two days
        foreach (var h in missed)
            for (var i = 0; i <= h % 3; i++) await ErrorRows.InsertAsync(factory.Db, day.AddHours(h).AddMinutes(10 + i), $"/api/h{h}");

        await RunJobAsync(day.AddHours(45).AddMinutes(5)); // back at 45:05: hours 0..44 are complete

        var buckets = await factory.Db.ColumnAsync<string>("""
            SELECT endpoint || '=' || total_errors FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2 ORDER BY hour_bucket
            """, day.UtcDateTime, day.AddHours(48).UtcDateTime);
        Assert.Equal(missed.Select(h => $"/api/h{h}={h % 3 + 1}"), buckets);
        // Every complete hour since the first error is recorded as done, the empty ones included; none after.
        Assert.Equal(44L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM error_aggregation_hours WHERE hour_bucket >= $1 AND hour_bucket < $2", day.AddHours(1).UtcDateTime, day.AddHours(48).UtcDateTime));
        Assert.Equal(day.AddHours(44), await factory.Db.ScalarAsync<DateTime>(
            "SELECT max(hour_bucket) FROM error_aggregation_hours WHERE hour_bucket < $1", day.AddHours(48).UtcDateTime));
    }

    [Fact]
    public async Task Running_the_job_again_changes_no_row()
    {
        var hour = NewDay().AddHours(5);
        for (var i = 0; i < 5; i++) await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(i * 7), $"/api/r{i % 2}", statusCode: 400 + i % 2);
        await RunJobAsync(hour.AddHours(3));
        var first = await BucketsAsync(hour, hour.AddHours(1));
        Assert.Equal(2, first.Count);

        await RunJobAsync(hour.AddHours(4));
        Assert.Equal(first, await BucketsAsync(hour, hour.AddHours(1)));
    }

    [Fact]
    public async Task A_replica_that_finds_the_lock_taken_skips_the_run()
    {
        await using var other = await factory.Db.OpenConnectionAsync();
        await using (var lockIt = new NpgsqlCommand("SELECT pg_advisory_lock($1)", other))
        {
            lockIt.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AssetForge.Infrastructure.Jobs.RecurringJob.LockKey("errors.aggregate") });
            await lockIt.ExecuteNonQueryAsync();
        }
        Assert.False(await factory.Services.GetRequiredService<AggregateErrors.Job>().TryRunAsync(CancellationToken.None));
    }

    private async Task<AggregateErrors.AggregationRun> RebuildAsync(Func<NpgsqlConnection, Task<AggregateErrors.AggregationRun>> run)
    {
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await run(connection);
    }
}
