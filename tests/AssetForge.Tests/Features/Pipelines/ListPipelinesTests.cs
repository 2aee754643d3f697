using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class ListPipelinesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>Follows nextCursor to the end, asserting the envelope on the way; returns the ids in order.</summary>
    private static async Task<List<Guid>> ReadAllPagesAsync(TestUser user, string query, int limit)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var url = $"/api/pipelines?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await user.Client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
            var data = page.GetProperty("data").EnumerateArray().ToList();
            var pagination = page.GetProperty("pagination");
            Assert.Equal(limit, pagination.GetProperty("limit").GetInt32());
            ids.AddRange(data.Select(p => p.GetProperty("id").GetGuid()));
            if (!pagination.GetProperty("hasMore").GetBoolean())
            {
                Assert.Equal(JsonValueKind.Null, pagination.GetProperty("nextCursor").ValueKind);
                return ids;
            }
            Assert.Equal(limit, data.Count);
            cursor = pagination.GetProperty("nextCursor").GetString();
        }
        throw new Xunit.Sdk.XunitException("The pages never ended.");
    }

    [Fact]
    public async Task Pages_over_55_pipelines_sharing_one_created_at_return_each_exactly_once()
    {
        var user = await factory.SignInAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var inserted = new List<Guid>();
        for (var i = 0; i < 55; i++) inserted.Add(await PipelineKit.InsertAsync(factory.Db, user.Id, createdAt: at));

        var ids = await ReadAllPagesAsync(user, "", 7);
        Assert.Equal(55, ids.Count);
        Assert.Equal(55, ids.Distinct().Count());
        Assert.Equal(inserted.OrderByDescending(id => id.ToString()), ids.Select(id => id)); // uuid order, descending
    }

    [Fact]
    public async Task Newest_first_and_members_see_only_their_own()
    {
        var user = await factory.SignInAsync();
        var other = await factory.SignInAsync();
        var now = DateTimeOffset.UtcNow;
        var oldest = await PipelineKit.InsertAsync(factory.Db, user.Id, createdAt: now.AddHours(-3));
        var middle = await PipelineKit.InsertAsync(factory.Db, user.Id, createdAt: now.AddHours(-2));
        var newest = await PipelineKit.InsertAsync(factory.Db, user.Id, createdAt: now.AddHours(-1));
        await PipelineKit.InsertAsync(factory.Db, other.Id, createdAt: now.AddHours(-1.5));

        var page = await (await user.Client.GetAsync("/api/pipelines")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([newest, middle, oldest], page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(20, page.GetProperty("pagination").GetProperty("limit").GetInt32());
        Assert.False(page.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
        Assert.False(page.GetProperty("data")[0].TryGetProperty("stages", out _)); // lists carry summaries

        await (await user.Client.GetAsync($"/api/pipelines?userId={user.Id}")).AssertStatusAsync(HttpStatusCode.OK);
        var emptyCursor = await (await user.Client.GetAsync("/api/pipelines?cursor=")).AssertStatusAsync(HttpStatusCode.OK); // first page
        Assert.Equal(3, emptyCursor.GetProperty("data").GetArrayLength());
        await (await user.Client.GetAsync($"/api/pipelines?userId={other.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admins_list_everyone_or_one_user()
    {
        var admin = await factory.SignInAsync(admin: true);
        var a = await factory.SignInAsync();
        var b = await factory.SignInAsync();
        var pa = await PipelineKit.InsertAsync(factory.Db, a.Id);
        var pb = await PipelineKit.InsertAsync(factory.Db, b.Id);

        var all = await ReadAllPagesAsync(admin, "", 100);
        Assert.Contains(pa, all);
        Assert.Contains(pb, all);
        Assert.Equal([pb], await ReadAllPagesAsync(admin, $"userId={b.Id}", 5));
    }

    [Fact]
    public async Task The_status_filter_repeats_and_is_kept_across_pages()
    {
        var user = await factory.SignInAsync();
        var statuses = new[] { "initializing", "processing", "completed", "failed", "cancelled" };
        var expected = new List<Guid>();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < 40; i++)
        {
            var status = statuses[i % 5];
            var id = await PipelineKit.InsertAsync(factory.Db, user.Id, status, createdAt: start.AddMinutes(i));
            if (status is "failed" or "cancelled") expected.Add(id);
        }
        expected.Reverse();

        var ids = await ReadAllPagesAsync(user, "status=failed&status=cancelled", 3);
        Assert.Equal(expected, ids);

        // Order and duplicates of the filter do not matter: the normalised filter is what the cursor remembers.
        var first = await (await user.Client.GetAsync("/api/pipelines?status=cancelled&status=failed&status=failed&limit=3"))
            .AssertStatusAsync(HttpStatusCode.OK);
        var cursor = first.GetProperty("pagination").GetProperty("nextCursor").GetString();
        await (await user.Client.GetAsync($"/api/pipelines?status=failed&status=cancelled&limit=3&cursor={cursor}"))
            .AssertStatusAsync(HttpStatusCode.OK);

        // The same cursor with other filters is refused instead of silently paging another set.
        foreach (var other in new[] { "status=failed", "", "status=failed&status=cancelled&status=completed", $"userId={user.Id}&status=failed" })
        {
            var problem = await (await user.Client.GetAsync($"/api/pipelines?{other}&limit=3&cursor={cursor}"))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_cursor_is_bound_to_its_user_scope()
    {
        var admin = await factory.SignInAsync(admin: true);
        var user = await factory.SignInAsync();
        for (var i = 0; i < 3; i++) await PipelineKit.InsertAsync(factory.Db, user.Id);
        var page = await (await admin.Client.GetAsync($"/api/pipelines?userId={user.Id}&limit=1")).AssertStatusAsync(HttpStatusCode.OK);
        var cursor = page.GetProperty("pagination").GetProperty("nextCursor").GetString();
        await (await admin.Client.GetAsync($"/api/pipelines?limit=1&cursor={cursor}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.Client.GetAsync($"/api/pipelines?userId={user.Id}&limit=1&cursor={cursor}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("status=processing&status=Processing", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("userId=nobody", "userId")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor")]
    public async Task Malformed_query_values_are_400_problems_naming_the_parameter(string query, string field)
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.GetAsync($"/api/pipelines?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_tampered_cursor_is_400()
    {
        var user = await factory.SignInAsync();
        for (var i = 0; i < 3; i++) await PipelineKit.InsertAsync(factory.Db, user.Id);
        var page = await (await user.Client.GetAsync("/api/pipelines?limit=1")).AssertStatusAsync(HttpStatusCode.OK);
        var cursor = page.GetProperty("pagination").GetProperty("nextCursor").GetString()!;
        var tampered = cursor[..5] + (cursor[5] == 'A' ? 'B' : 'A') + cursor[6..];
        await (await user.Client.GetAsync($"/api/pipelines?limit=1&cursor={tampered}")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
