using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class SetVariantOrderTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string Body(params Guid[] ids) => JsonSerializer.Serialize(new { variantIds = ids });

    private async Task<(TestUser User, Guid BaseAsset, Guid[] Variants)> ArrangeAsync(int count = 3)
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var variants = new Guid[count];
        for (var i = 0; i < count; i++) variants[i] = (await user.CreateVariantAsync(baseAsset, $"p{i}")).Id;
        return (user, baseAsset, variants);
    }

    private static async Task<List<Guid>> GalleryAsync(TestUser user, Guid baseAsset) =>
        (await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants")).AssertStatusAsync(HttpStatusCode.OK))
        .GetProperty("data").EnumerateArray().Select(v => v.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task Sets_the_whole_order_first_shown_first_and_get_order_reads_it_back_with_the_new_etag()
    {
        var (user, baseAsset, v) = await ArrangeAsync();
        var wanted = new[] { v[1], v[2], v[0] };

        var response = await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(wanted));
        var order = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(wanted, order.GetProperty("variantIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(wanted, await GalleryAsync(user, baseAsset));
        Assert.Equal([2, 1, 0], await factory.Db.ColumnAsync<int>(
            "SELECT display_order FROM asset_variants WHERE id = ANY ($1) ORDER BY array_position($1, id)", (object)wanted));

        var read = await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/order");
        var readOrder = await read.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(wanted, readOrder.GetProperty("variantIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(response.Headers.ETag?.ToString(), read.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task If_match_takes_the_order_etag_which_any_create_delete_or_reorder_changes()
    {
        var (user, baseAsset, v) = await ArrangeAsync();
        var etag = (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/order")).Headers.ETag!.ToString();

        // Equal display orders show newest first, so v2, v1, v0 is the order now; reverse it.
        var applied = await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(v[0], v[1], v[2]), ifMatch: etag);
        await applied.AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, applied.Headers.ETag?.ToString());

        // The same If-Match again is stale now.
        await (await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(v[2], v[1], v[0]), ifMatch: etag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal([v[0], v[1], v[2]], await GalleryAsync(user, baseAsset));

        // Putting the order it already has succeeds and keeps the ETag: the ETag describes the order, not the write.
        var current = applied.Headers.ETag!.ToString();
        var same = await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(v[0], v[1], v[2]), ifMatch: current);
        await same.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(current, same.Headers.ETag?.ToString());

        var (added, _, _) = await user.CreateVariantAsync(baseAsset, "late");
        await (await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(added, v[0], v[1], v[2]), ifMatch: current))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        var afterCreate = (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/order")).Headers.ETag!.ToString();
        Assert.NotEqual(current, afterCreate);
        await (await user.SendAsync(HttpMethod.Delete, $"/api/variants/{added}")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.NotEqual(afterCreate, (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/order")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task A_list_that_is_not_exactly_the_assets_variants_is_a_400_and_changes_nothing()
    {
        var (user, baseAsset, v) = await ArrangeAsync();
        var (foreign, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "elsewhere");
        var before = await GalleryAsync(user, baseAsset);

        foreach (var body in new[]
                 {
                     Body(v[0], v[1]),                      // one missing
                     Body(v[0], v[1], v[2], foreign),       // another asset's variant
                     Body(v[0], v[1], foreign),             // right size, wrong member
                     Body(v[0], v[1], v[2], Guid.NewGuid()),
                     Body(),
                 })
        {
            var problem = await (await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", body))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("variantIds", out _), body);
        }

        foreach (var body in new[] { Body(v[0], v[0], v[1]), "{}", """{"variantIds":null}""", """{"variantIds":["x"]}""" })
        {
            var problem = await (await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", body))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.StartsWith("variantIds")), body);
        }
        Assert.Equal(before, await GalleryAsync(user, baseAsset));
    }

    [Fact]
    public async Task An_asset_without_variants_takes_the_empty_list()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var order = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/order")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, order.GetProperty("variantIds").GetArrayLength());
        await (await user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body())).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_members_asset_is_a_404_for_reading_and_setting_the_order()
    {
        var (owner, baseAsset, v) = await ArrangeAsync(2);
        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/assets/{baseAsset}/variants/order")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(v[0], v[1])))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.SendAsync(HttpMethod.Put, $"/api/assets/{Guid.NewGuid()}/variants/order", Body(v[0], v[1])))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        var admin = await factory.SignInAsync(admin: true);
        await (await admin.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(v[0], v[1]))).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([v[0], v[1]], await GalleryAsync(owner, baseAsset));
    }

    [Fact]
    public async Task Concurrent_reorders_and_status_changes_neither_deadlock_nor_mix_orders()
    {
        var (user, baseAsset, v) = await ArrangeAsync(6);
        var orders = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? v : v.Reverse().ToArray()).ToList();

        var reorders = orders.Select(o => user.SendAsync(HttpMethod.Put, $"/api/assets/{baseAsset}/variants/order", Body(o)));
        var statuses = v.Select((id, i) => user.SetStatusAsync(id, i % 2 == 0 ? "completed" : "failed"));
        var responses = await Task.WhenAll(reorders.Concat(statuses));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var gallery = await GalleryAsync(user, baseAsset);
        Assert.True(gallery.SequenceEqual(v) || gallery.SequenceEqual(v.Reverse()), string.Join(",", gallery));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 6, completed: 3, failed: 3, active: 6);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }
}
