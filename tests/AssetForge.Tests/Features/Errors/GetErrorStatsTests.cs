using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class GetErrorStatsTests(ClockedApiFactory factory) : IClassFixture<ClockedApiFactory>
{
    private static readonly string[] Severities = ["debug", "info", "warning", "error", "critical"];
    private static readonly string[] Categories =
        ["validation", "authentication", "authorization", "external_api", "database", "file_system", "network", "application", "unknown"];

    private sealed record Arranged(DateTimeOffset At, string Endpoint, string Severity, string Category, bool Resolved);

    [Fact]
    public async Task Stats_equal_a_brute_force_count_over_the_period()
    {
        var admin = await factory.SignInAsync(admin: true);
        var now = factory.Clock.GetUtcNow();
        var random = new Random(20240611);
        var rows = new List<Arranged>();
        for (var i = 0; i < 400; i++)
        {
            var row = new Arranged(
                now.AddMinutes(-random.Next(0, 60 * 24 * 3)).AddSeconds(-random.Next(0, 60)),
                $"/api/e{(int)Math.Sqrt(random.Next(0, 400))}", // skewed, with ties among the top endpoints
                Severities[random.Next(Severities.Length)], Categories[random.Next(Categories.Length - 2)], random.Next(3) == 0);
            rows.Add(row);
            await ErrorRows.InsertAsync(factory.Db, row.At, row.Endpoint, row.Severity, row.Category, resolved: row.Resolved);
        }

        await AssertStatsAsync(admin, rows, now.AddHours(-24), now, query: "");
        var from = now.AddHours(-50).AddMinutes(7);
        var to = now.AddHours(-20).AddSeconds(13);
        await AssertStatsAsync(admin, rows, from, to,
            query: $"?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
    }

    private static async Task AssertStatsAsync(TestUser admin, List<Arranged> rows, DateTimeOffset from, DateTimeOffset to, string query)
    {
        var inPeriod = rows.Where(r => r.At >= from && r.At < to).ToList();
        var stats = await (await admin.Client.GetAsync("/api/errors/stats" + query)).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(inPeriod.Count, stats.GetProperty("total").GetInt64());
        Assert.Equal(inPeriod.Count(r => r.Resolved), stats.GetProperty("resolved").GetInt64());
        Assert.Equal(inPeriod.Count(r => !r.Resolved), stats.GetProperty("unresolved").GetInt64());
        foreach (var severity in Severities)
            Assert.Equal(inPeriod.Count(r => r.Severity == severity), stats.GetProperty("bySeverity").GetProperty(severity).GetInt64());
        foreach (var category in Categories)
            Assert.Equal(inPeriod.Count(r => r.Category == category), stats.GetProperty("byCategory").GetProperty(category).GetInt64());

        var expectedTop = inPeriod.GroupBy(r => r.Endpoint)
            .Select(g => (Endpoint: g.Key, Count: (long)g.Count()))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Endpoint, StringComparer.Ordinal).Take(10).ToList();
        var top = stats.GetProperty("topEndpoints").EnumerateArray()
            .Select(e => (Endpoint: e.GetProperty("endpoint").GetString()!, Count: e.GetProperty("count").GetInt64())).ToList();
        Assert.Equal(expectedTop, top);
        Assert.Equal(from, DateTimeOffset.Parse(stats.GetProperty("from").GetString()!));
        Assert.Equal(to, DateTimeOffset.Parse(stats.GetProperty("to").GetString()!));
    }

    [Fact]
    public async Task An_empty_period_has_zeros_for_every_severity_and_category()
    {
        var admin = await factory.SignInAsync(admin: true);
        var stats = await (await admin.Client.GetAsync("/api/errors/stats?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z"))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, stats.GetProperty("total").GetInt64());
        Assert.Equal(Severities, stats.GetProperty("bySeverity").EnumerateObject().Select(p => p.Name));
        Assert.All(stats.GetProperty("byCategory").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));
        Assert.Equal(0, stats.GetProperty("topEndpoints").GetArrayLength());
    }

    [Theory]
    [InlineData("?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "to")]
    [InlineData("?from=soon", "from")]
    public async Task A_bad_period_is_a_400(string query, string field)
    {
        var admin = await factory.SignInAsync(admin: true);
        var problem = await (await admin.Client.GetAsync("/api/errors/stats" + query)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_member_gets_a_403()
    {
        var member = await factory.SignInAsync();
        await (await member.Client.GetAsync("/api/errors/stats")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
