using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class RebuildAggregationsTests(ClockedApiFactory factory) : IClassFixture<ClockedApiFactory>
{
    private static int _day;

    private static DateTimeOffset NewDay() =>
        new DateTimeOffset(2031, 2, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref _day) * 2);

    private static StringContent Range(DateTimeOffset from, DateTimeOffset to) =>
        Http.Json($$"""{"from":"{{from:O}}","to":"{{to:O}}"}""");

    private Task<List<string>> BucketsAsync(DateTimeOffset from, DateTimeOffset to) => factory.Db.ColumnAsync<string>("""
        SELECT concat_ws('|', id, hour_bucket, endpoint, severity, category, coalesce(external_service, '-'),
                         coalesce(status_code::text, '-'), total_errors, unique_users, first_occurrence, last_occurrence, updated_at)
        FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2
        ORDER BY hour_bucket, endpoint, severity, category, external_service, status_code
        """, from.UtcDateTime, to.UtcDateTime);

    private Task<List<string>> FiguresAsync(DateTimeOffset from, DateTimeOffset to) => factory.Db.ColumnAsync<string>("""
        SELECT concat_ws('|', to_char(hour_bucket AT TIME ZONE 'UTC', 'HH24'), endpoint, total_errors, unique_users)
        FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2 ORDER BY hour_bucket, endpoint
        """, from.UtcDateTime, to.UtcDateTime);

    [Fact]
    public async Task Rebuilding_twice_gives_identical_rows()
    {
        var admin = await factory.SignInAsync(admin: true);
        var day = NewDay();
        factory.Clock.AdjustTime(day.AddDays(1));
        var user = await Arrange.NewUserAsync(factory.Db);
        for (var i = 0; i < 12; i++)
            await ErrorRows.InsertAsync(factory.Db, day.AddHours(i % 4).AddMinutes(i), $"/api/x{i % 3}", i % 2 == 0 ? "error" : "critical",
                externalService: i % 3 == 0 ? null : "meshy", statusCode: i % 4 == 0 ? null : 500, userId: i % 5 == 0 ? user : null);

        var first = await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Range(day, day.AddHours(4))))
            .AssertStatusAsync(HttpStatusCode.OK);
        var rows = await BucketsAsync(day, day.AddHours(4));
        var second = await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Range(day, day.AddHours(4))))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(rows, await BucketsAsync(day, day.AddHours(4)));
        Assert.Equal(4, first.GetProperty("hours").GetInt32());
        Assert.Equal(rows.Count, first.GetProperty("buckets").GetInt32());
        Assert.Equal(rows.Count, first.GetProperty("changed").GetInt32());
        Assert.Equal(rows.Count, second.GetProperty("buckets").GetInt32());
        Assert.Equal(0, second.GetProperty("changed").GetInt32());
        Assert.Equal(12L, await factory.Db.ScalarAsync<long>(
            "SELECT sum(total_errors) FROM error_aggregations WHERE hour_bucket >= $1 AND hour_bucket < $2", day.UtcDateTime, day.AddHours(4).UtcDateTime));
    }

    [Fact]
    public async Task Rebuilding_replaces_figures_and_removes_groups_whose_errors_are_gone()
    {
        var admin = await factory.SignInAsync(admin: true);
        var day = NewDay();
        factory.Clock.AdjustTime(day.AddDays(1));
        var hour = day.AddHours(9);
        var keep = await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(1), "/api/keep");
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(2), "/api/keep");
        var gone = await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(3), "/api/gone");
        await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Range(hour, hour.AddHours(1)))).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["09|/api/gone|1|0", "09|/api/keep|2|0"], await FiguresAsync(hour, hour.AddHours(1)));

        // Retention took one group's errors; another error of the kept group arrived late.
        await factory.Db.ExecuteAsync("DELETE FROM api_errors WHERE id = $1", gone);
        await ErrorRows.InsertAsync(factory.Db, hour.AddMinutes(40), "/api/keep");
        var body = await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Range(hour, hour.AddHours(1))))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(["09|/api/keep|3|0"], await FiguresAsync(hour, hour.AddHours(1)));
        Assert.Equal(1, body.GetProperty("removed").GetInt32());
        Assert.Equal(1, body.GetProperty("changed").GetInt32());
        Assert.NotEqual(Guid.Empty, keep);
    }

    [Fact]
    public async Task A_range_is_widened_to_whole_hours_and_stops_before_the_current_hour()
    {
        var admin = await factory.SignInAsync(admin: true);
        var day = NewDay();
        factory.Clock.AdjustTime(day.AddHours(5).AddMinutes(20));
        await ErrorRows.InsertAsync(factory.Db, day.AddHours(2).AddMinutes(5), "/api/w");
        await ErrorRows.InsertAsync(factory.Db, day.AddHours(5).AddMinutes(1), "/api/w"); // the hour in progress

        var body = await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Range(day.AddHours(2).AddMinutes(30), day.AddHours(9))))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(day.AddHours(2), DateTimeOffset.Parse(body.GetProperty("from").GetString()!));
        Assert.Equal(day.AddHours(5), DateTimeOffset.Parse(body.GetProperty("to").GetString()!));
        Assert.Equal(3, body.GetProperty("hours").GetInt32());
        Assert.Equal(["02|/api/w|1|0"], await FiguresAsync(day, day.AddHours(10)));
        Assert.Equal(3L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM error_aggregation_hours WHERE hour_bucket >= $1 AND hour_bucket < $2", day.UtcDateTime, day.AddHours(10).UtcDateTime));
    }

    [Theory]
    [InlineData("""{"to":"2031-01-01T00:00:00Z"}""", "from")]
    [InlineData("""{"from":"2031-01-01T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2031-01-02T00:00:00Z","to":"2031-01-01T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2030-01-01T00:00:00Z","to":"2030-03-01T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2039-01-01T00:00:00Z","to":"2039-01-02T00:00:00Z"}""", "from")]
    [InlineData("""{"from":"yesterday","to":"2031-01-01T00:00:00Z"}""", "from")]
    public async Task Bad_ranges_are_400_problems(string json, string field)
    {
        var admin = await factory.SignInAsync(admin: true);
        factory.Clock.AdjustTime(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var problem = await (await admin.Client.PostAsync("/api/errors/aggregations/rebuild", Http.Json(json))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_member_gets_a_403()
    {
        var member = await factory.SignInAsync();
        await (await member.Client.PostAsync("/api/errors/aggregations/rebuild", Range(NewDay(), NewDay().AddHours(1))))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
