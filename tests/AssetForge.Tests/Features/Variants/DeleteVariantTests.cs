using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class DeleteVariantTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Deletes_the_variant_not_its_asset_and_the_statistics_follow()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, etag, body) = await user.CreateVariantAsync(baseAsset, "gold");
        var (kept, _, _) = await user.CreateVariantAsync(baseAsset, "silver");
        await (await user.SetStatusAsync(id, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        var current = (await user.Client.GetAsync($"/api/variants/{id}")).Headers.ETag!.ToString();

        await (await user.SendAsync(HttpMethod.Delete, $"/api/variants/{id}", ifMatch: etag)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await user.SendAsync(HttpMethod.Delete, $"/api/variants/{id}", ifMatch: current)).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE id = $1", id));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1",
            body.GetProperty("variantAssetId").GetGuid()));
        var statistics = await user.StatisticsAsync(baseAsset);
        VariantsApi.AssertCounts(statistics, total: 1, completed: 0, failed: 0, active: 1);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, statistics.GetProperty("lastVariantCompleted").ValueKind);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);

        // A second delete finds nothing: 404, never a 204 for a row that was not there.
        await (await user.SendAsync(HttpMethod.Delete, $"/api/variants/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.GetAsync($"/api/variants/{kept}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_the_newest_variant_moves_lastVariantCreated_back_to_the_one_before()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (_, _, older) = await user.CreateVariantAsync(baseAsset, "older");
        var (newest, _, newer) = await user.CreateVariantAsync(baseAsset, "newer");
        Assert.Equal(newer.GetProperty("createdAt").GetDateTimeOffset(),
            (await user.StatisticsAsync(baseAsset)).GetProperty("lastVariantCreated").GetDateTimeOffset());

        await (await user.SendAsync(HttpMethod.Delete, $"/api/variants/{newest}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(older.GetProperty("createdAt").GetDateTimeOffset(),
            (await user.StatisticsAsync(baseAsset)).GetProperty("lastVariantCreated").GetDateTimeOffset());
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task Another_members_variant_is_a_404_and_stays()
    {
        var owner = await factory.SignInAsync();
        var (id, etag, _) = await owner.CreateVariantAsync(await owner.CreateAssetAsync(), "gold");
        var stranger = await factory.SignInAsync();

        await (await stranger.SendAsync(HttpMethod.Delete, $"/api/variants/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.SendAsync(HttpMethod.Delete, $"/api/variants/{id}", ifMatch: etag)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.SendAsync(HttpMethod.Delete, $"/api/variants/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE id = $1", id));

        var admin = await factory.SignInAsync(admin: true);
        await (await admin.SendAsync(HttpMethod.Delete, $"/api/variants/{id}")).AssertStatusAsync(HttpStatusCode.NoContent);
    }
}
