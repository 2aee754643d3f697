using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class ListErrorsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset T0 = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<Guid> Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();

    private static async Task<List<Guid>> AllPagesAsync(HttpClient client, string query, int limit)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = $"/api/errors?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
            Assert.True(page.GetProperty("data").GetArrayLength() <= limit);
            ids.AddRange(Ids(page));
            var pagination = page.GetProperty("pagination");
            cursor = pagination.GetProperty("hasMore").GetBoolean() ? pagination.GetProperty("nextCursor").GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }

    [Fact]
    public async Task A_member_lists_only_their_own_errors_and_an_admin_everyones()
    {
        var member = await factory.SignInAsync();
        var other = await factory.SignInAsync();
        var endpoint = $"/own-{Guid.NewGuid():N}";
        var mine = await ErrorRows.InsertAsync(factory.Db, T0, endpoint, userId: member.Id);
        var theirs = await ErrorRows.InsertAsync(factory.Db, T0.AddMinutes(1), endpoint, userId: other.Id);
        var anonymous = await ErrorRows.InsertAsync(factory.Db, T0.AddMinutes(2), endpoint);

        Assert.Equal([mine], await AllPagesAsync(member.Client, $"endpoint={endpoint}", 20));
        // Asking for someone else's errors is refused as the pipeline list refuses it; naming oneself is fine.
        await (await member.Client.GetAsync($"/api/errors?endpoint={endpoint}&userId={other.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal([mine], await AllPagesAsync(member.Client, $"endpoint={endpoint}&userId={member.Id}", 20));

        var admin = await factory.SignInAsync(admin: true);
        Assert.Equal([anonymous, theirs, mine], await AllPagesAsync(admin.Client, $"endpoint={endpoint}", 20));
        Assert.Equal([theirs], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&userId={other.Id}", 20));
    }

    [Fact]
    public async Task Keyset_pages_cover_every_row_once_even_when_timestamps_tie()
    {
        var admin = await factory.SignInAsync(admin: true);
        var endpoint = $"/ties-{Guid.NewGuid():N}";
        var expected = new List<(DateTimeOffset At, Guid Id)>();
        for (var i = 0; i < 23; i++)
        {
            var at = T0.AddSeconds(i / 5); // five rows share each timestamp
            expected.Add((at, await ErrorRows.InsertAsync(factory.Db, at, endpoint)));
        }

        var ids = await AllPagesAsync(admin.Client, $"endpoint={endpoint}", 4);
        Assert.Equal(expected.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id), ids);
    }

    [Fact]
    public async Task Filters_combine_and_severity_and_category_may_repeat()
    {
        var admin = await factory.SignInAsync(admin: true);
        var endpoint = $"/filters-{Guid.NewGuid():N}";
        var user = await Arrange.NewUserAsync(factory.Db);
        var a = await ErrorRows.InsertAsync(factory.Db, T0, endpoint, severity: "critical", category: "database", userId: user);
        var b = await ErrorRows.InsertAsync(factory.Db, T0.AddMinutes(1), endpoint, severity: "warning", category: "database", resolved: true);
        var c = await ErrorRows.InsertAsync(factory.Db, T0.AddMinutes(2), endpoint, severity: "info", category: "network");
        var d = await ErrorRows.InsertAsync(factory.Db, T0.AddHours(2), endpoint, severity: "critical", category: "network");
        await ErrorRows.InsertAsync(factory.Db, T0, endpoint + "-other", severity: "critical");

        Assert.Equal([d, a], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&severity=critical", 20));
        Assert.Equal([d, b, a], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&severity=critical&severity=warning", 20));
        Assert.Equal([b, a], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&category=database", 20));
        Assert.Equal([d, c], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&category=network&category=validation", 20));
        Assert.Equal([b], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&resolved=true", 20));
        Assert.Equal([d, c, a], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&resolved=false", 20));
        Assert.Equal([a], await AllPagesAsync(admin.Client, $"endpoint={endpoint}&userId={user}", 20));
        Assert.Equal([c, b, a], await AllPagesAsync(admin.Client,
            $"endpoint={endpoint}&from={Uri.EscapeDataString(T0.ToString("O"))}&to={Uri.EscapeDataString(T0.AddHours(1).ToString("O"))}", 20));
        Assert.Equal([c, b], await AllPagesAsync(admin.Client,
            $"endpoint={endpoint}&from={Uri.EscapeDataString(T0.AddMinutes(1).ToString("O"))}&to={Uri.EscapeDataString(T0.AddMinutes(3).ToString("O"))}", 20));
    }

    [Fact]
    public async Task A_summary_carries_no_stack_or_bodies()
    {
        var admin = await factory.SignInAsync(admin: true);
        var endpoint = $"/summary-{Guid.NewGuid():N}";
        await ErrorRows.InsertAsync(factory.Db, T0, endpoint, message: "visible");
        var page = await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}")).AssertStatusAsync(HttpStatusCode.OK);
        var item = page.GetProperty("data")[0];
        Assert.Equal("visible", item.GetProperty("message").GetString());
        Assert.False(item.TryGetProperty("stack", out _));
        Assert.False(item.TryGetProperty("requestBody", out _));
        Assert.Equal(20, page.GetProperty("pagination").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task A_cursor_replayed_with_other_filters_or_tampered_with_is_a_400()
    {
        var admin = await factory.SignInAsync(admin: true);
        var endpoint = $"/cursor-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++) await ErrorRows.InsertAsync(factory.Db, T0.AddSeconds(i), endpoint);
        var page = await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}&limit=1")).AssertStatusAsync(HttpStatusCode.OK);
        var cursor = page.GetProperty("pagination").GetProperty("nextCursor").GetString()!;

        await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}&limit=1&cursor={cursor}")).AssertStatusAsync(HttpStatusCode.OK);
        var replayed = await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}&severity=error&limit=1&cursor={cursor}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(replayed.GetProperty("errors").TryGetProperty("cursor", out _));
        var tampered = cursor[..^2] + (cursor[^2] == 'A' ? "B" : "A") + cursor[^1];
        await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}&limit=1&cursor={tampered}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.Client.GetAsync($"/api/errors?cursor=not-a-cursor")).AssertProblemAsync(HttpStatusCode.BadRequest);
        // An empty cursor is the first page, as if it were absent.
        Assert.Equal(Ids(page), Ids(await (await admin.Client.GetAsync($"/api/errors?endpoint={endpoint}&limit=1&cursor=")).AssertStatusAsync(HttpStatusCode.OK)));
    }

    [Theory]
    [InlineData("severity=fatal", "severity")]
    [InlineData("category=disk", "category")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("resolved=maybe", "resolved")]
    [InlineData("userId=nobody", "userId")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "to")]
    public async Task Bad_query_values_are_400_problems_naming_them(string query, string field)
    {
        var member = await factory.SignInAsync();
        var problem = await (await member.Client.GetAsync($"/api/errors?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out var messages), problem.ToString());
        if (field == "severity") Assert.Contains("debug, info, warning, error, critical", messages[0].GetString());
    }

    [Fact]
    public async Task Requires_a_token()
    {
        await (await factory.CreateClient().GetAsync("/api/errors")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
