using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class ListAggregationsTests(ClockedApiFactory factory) : IClassFixture<ClockedApiFactory>
{
    private static readonly DateTimeOffset Now = new(2031, 4, 20, 15, 30, 0, TimeSpan.Zero);

    private async Task<TestUser> ArrangeAsync()
    {
        factory.Clock.AdjustTime(Now);
        var admin = await factory.SignInAsync(admin: true);
        if (await factory.Db.ScalarAsync<long>("SELECT count(*) FROM error_aggregations") > 0) return admin;
        // Hourly buckets for the last 10 days: two groups per hour, one with a NULL service and status.
        await factory.Db.ExecuteAsync("""
            INSERT INTO error_aggregations (hour_bucket, endpoint, severity, category, external_service, status_code, total_errors, unique_users)
            SELECT h, '/api/a', 'error'::error_severity, 'database'::error_category, NULL, NULL::integer, 1, 0 FROM generate_series($1::timestamptz, $2, interval '1 hour') h
            UNION ALL
            SELECT h, '/api/b', 'critical'::error_severity, 'external_api'::error_category, 'meshy', 502, 2, 1 FROM generate_series($1::timestamptz, $2, interval '1 hour') h
            """, Now.AddDays(-10).AddMinutes(-30).UtcDateTime, Now.AddMinutes(-30).UtcDateTime);
        return admin;
    }

    private static async Task<List<JsonElement>> AllPagesAsync(HttpClient client, string query)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/errors/aggregations?{query}&limit=100" + (cursor is null ? "" : $"&cursor={cursor}")))
                .AssertStatusAsync(HttpStatusCode.OK);
            items.AddRange(page.GetProperty("data").EnumerateArray());
            var pagination = page.GetProperty("pagination");
            cursor = pagination.GetProperty("hasMore").GetBoolean() ? pagination.GetProperty("nextCursor").GetString() : null;
        }
        while (cursor is not null);
        return items;
    }

    [Fact]
    public async Task Defaults_to_the_last_seven_days_newest_hour_first()
    {
        var admin = await ArrangeAsync();
        var items = await AllPagesAsync(admin.Client, "");
        // 7 × 24 hours overlap [now - 7 d, now): the bucket starting at now - 7 d - 30 min overlaps too.
        Assert.Equal(2 * (7 * 24 + 1), items.Count);
        var hours = items.Select(i => DateTimeOffset.Parse(i.GetProperty("hourBucket").GetString()!)).ToList();
        Assert.Equal(hours.OrderByDescending(h => h), hours);
        Assert.Equal(Now.AddMinutes(-30), hours[0]);
        Assert.Equal(Now.AddDays(-7).AddMinutes(-30), hours[^1]);
        Assert.Equal(hours.Count, items.Select(i => i.GetProperty("id").GetGuid()).Distinct().Count());
    }

    [Fact]
    public async Task Filters_narrow_the_buckets()
    {
        var admin = await ArrangeAsync();
        var from = Uri.EscapeDataString(Now.AddHours(-5).ToString("O"));
        var to = Uri.EscapeDataString(Now.AddHours(-2).ToString("O"));
        // [10:30, 13:30) overlaps the buckets of 10:00, 11:00, 12:00 and 13:00.
        var b = await AllPagesAsync(admin.Client, $"from={from}&to={to}&endpoint=/api/b");
        Assert.Equal(4, b.Count);
        Assert.All(b, i => Assert.Equal("meshy", i.GetProperty("externalService").GetString()));
        Assert.Equal(4, (await AllPagesAsync(admin.Client, $"from={from}&to={to}&severity=critical&category=external_api&statusCode=502")).Count);
        Assert.Equal(8, (await AllPagesAsync(admin.Client, $"from={from}&to={to}&severity=critical&severity=error")).Count);
        var a = await AllPagesAsync(admin.Client, $"from={from}&to={to}&category=database");
        Assert.Equal(4, a.Count);
        Assert.All(a, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("statusCode").ValueKind));
        Assert.Empty(await AllPagesAsync(admin.Client, $"from={from}&to={to}&externalService=openai"));
    }

    [Theory]
    [InlineData("severity=fatal", "severity")]
    [InlineData("statusCode=five", "statusCode")]
    [InlineData("from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", "to")]
    [InlineData("limit=1000", "limit")]
    [InlineData("cursor=abc", "cursor")]
    public async Task Bad_query_values_are_400_problems(string query, string field)
    {
        var admin = await ArrangeAsync();
        var problem = await (await admin.Client.GetAsync($"/api/errors/aggregations?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_member_gets_a_403()
    {
        var member = await factory.SignInAsync();
        await (await member.Client.GetAsync("/api/errors/aggregations")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
