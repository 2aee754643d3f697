using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class ListVariantsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static List<Guid> Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task Filters_by_preset_by_status_and_by_both_newest_first_with_each_variants_asset()
    {
        var user = await factory.SignInAsync();
        var preset = $"ruby-{Guid.NewGuid():N}";
        var (pending, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), preset);
        var (completed, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), preset);
        var (otherPreset, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), $"jade-{Guid.NewGuid():N}");
        await (await user.SetStatusAsync(completed, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.SetStatusAsync(otherPreset, "completed")).AssertStatusAsync(HttpStatusCode.OK);

        var byPreset = await (await user.Client.GetAsync($"/api/variants?presetId={preset}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([completed, pending], Ids(byPreset));
        Assert.Equal($"{preset} sword", byPreset.GetProperty("data")[0].GetProperty("variantAsset").GetProperty("name").GetString());

        var byStatus = await (await user.Client.GetAsync("/api/variants?status=completed")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([otherPreset, completed], Ids(byStatus));

        var both = await (await user.Client.GetAsync($"/api/variants?presetId={preset}&status=pending")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([pending], Ids(both));

        var repeated = await (await user.Client.GetAsync($"/api/variants?presetId={preset}&status=pending&status=completed"))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([completed, pending], Ids(repeated));
    }

    [Fact]
    public async Task Members_see_only_their_own_variants_and_admins_see_everyones()
    {
        var preset = $"onyx-{Guid.NewGuid():N}";
        var alice = await factory.SignInAsync();
        var bob = await factory.SignInAsync();
        var (alices, _, _) = await alice.CreateVariantAsync(await alice.CreateAssetAsync(), preset);
        var (bobs, _, _) = await bob.CreateVariantAsync(await bob.CreateAssetAsync(), preset);

        Assert.Equal([alices], Ids(await (await alice.Client.GetAsync($"/api/variants?presetId={preset}")).AssertStatusAsync(HttpStatusCode.OK)));
        Assert.Equal([bobs], Ids(await (await bob.Client.GetAsync($"/api/variants?presetId={preset}")).AssertStatusAsync(HttpStatusCode.OK)));
        var admin = await factory.SignInAsync(admin: true);
        Assert.Equal([bobs, alices], Ids(await (await admin.Client.GetAsync($"/api/variants?presetId={preset}")).AssertStatusAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Cursor_pages_walk_every_match_once_and_stop()
    {
        var user = await factory.SignInAsync();
        var preset = $"opal-{Guid.NewGuid():N}";
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++) created.Add((await user.CreateVariantAsync(await user.CreateAssetAsync(), preset)).Id);
        // Two variants created in one instant: the id breaks the tie, so neither is skipped nor repeated.
        await factory.Db.ExecuteAsync("UPDATE asset_variants SET created_at = '2026-01-01T00:00:00Z' WHERE id = ANY ($1)",
            (object)created.Skip(1).Take(2).ToArray());

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/variants?presetId={preset}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await user.Client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
            seen.AddRange(Ids(page));
            var pagination = page.GetProperty("pagination");
            Assert.Equal(2, pagination.GetProperty("limit").GetInt32());
            cursor = pagination.GetProperty("hasMore").GetBoolean() ? pagination.GetProperty("nextCursor").GetString() : null;
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order().ToList(), seen.Order().ToList());
        var expected = await factory.Db.ColumnAsync<Guid>(
            "SELECT id FROM asset_variants WHERE preset_id = $1 ORDER BY created_at DESC, id DESC", preset);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Cursor_pages_over_several_statuses_merge_them_newest_first()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        for (var i = 0; i < 7; i++)
        {
            var (id, _, _) = await user.CreateVariantAsync(baseAsset, $"s{i}");
            if (i % 3 == 1) await (await user.SetStatusAsync(id, "failed")).AssertStatusAsync(HttpStatusCode.OK);
            if (i % 3 == 2) await (await user.SetStatusAsync(id, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = "/api/variants?status=failed&status=pending&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await user.Client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
            seen.AddRange(Ids(page));
            var pagination = page.GetProperty("pagination");
            cursor = pagination.GetProperty("hasMore").GetBoolean() ? pagination.GetProperty("nextCursor").GetString() : null;
        } while (cursor is not null);

        Assert.Equal(await factory.Db.ColumnAsync<Guid>("""
            SELECT id FROM asset_variants WHERE owner_id = $1 AND generation_status IN ('pending', 'failed') ORDER BY created_at DESC, id DESC
            """, user.Id), seen);
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public async Task A_cursor_replayed_with_other_filters_or_tampered_with_is_a_400()
    {
        var user = await factory.SignInAsync();
        var preset = $"zircon-{Guid.NewGuid():N}";
        for (var i = 0; i < 2; i++) await user.CreateVariantAsync(await user.CreateAssetAsync(), preset);
        var page = await (await user.Client.GetAsync($"/api/variants?presetId={preset}&limit=1")).AssertStatusAsync(HttpStatusCode.OK);
        var cursor = page.GetProperty("pagination").GetProperty("nextCursor").GetString()!;

        foreach (var url in new[]
                 {
                     $"/api/variants?presetId={preset}&status=pending&limit=1&cursor={cursor}",
                     $"/api/variants?presetId=other&limit=1&cursor={cursor}",
                     $"/api/variants?presetId={preset}&limit=1&cursor={cursor[..^2]}AA",
                     $"/api/variants?presetId={preset}&limit=1&cursor=not-a-cursor",
                 })
        {
            var problem = await (await user.Client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), url);
        }
    }

    [Theory]
    [InlineData("", "presetId")]
    [InlineData("limit=5", "presetId")]
    [InlineData("presetId=", "presetId")]
    [InlineData("status=exploded", "status")]
    [InlineData("status=pending&status=Completed", "status")]
    [InlineData("status=pending&limit=0", "limit")]
    [InlineData("status=pending&limit=101", "limit")]
    public async Task Missing_or_invalid_filters_are_400_problems_naming_the_parameter(string query, string field)
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.GetAsync($"/api/variants?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        if (field == "status") Assert.Contains("pending, processing, completed, failed", messages[0].GetString());
    }
}
