using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class GetVariantStatisticsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_base_asset_without_variants_reads_as_zeros_with_null_times()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();

        var statistics = await user.StatisticsAsync(baseAsset);

        Assert.Equal(baseAsset, statistics.GetProperty("baseAssetId").GetGuid());
        VariantsApi.AssertCounts(statistics, total: 0, completed: 0, failed: 0, active: 0);
        Assert.Equal(JsonValueKind.Null, statistics.GetProperty("lastVariantCreated").ValueKind);
        Assert.Equal(JsonValueKind.Null, statistics.GetProperty("lastVariantCompleted").ValueKind);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", baseAsset));
    }

    [Fact]
    public async Task Reports_the_stored_row_which_equals_a_recount_after_every_kind_of_change()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (a, _, _) = await user.CreateVariantAsync(baseAsset, "a");
        var (b, _, _) = await user.CreateVariantAsync(baseAsset, "b", ""","isActive":false""");
        var (c, _, created) = await user.CreateVariantAsync(baseAsset, "c");
        var completedAt = (await (await user.SetStatusAsync(a, "completed")).AssertStatusAsync(HttpStatusCode.OK)).GetProperty("completedAt").GetDateTimeOffset();
        await (await user.SetStatusAsync(b, "failed", "boom")).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.SetStatusAsync(c, "processing")).AssertStatusAsync(HttpStatusCode.OK);

        var response = await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/statistics");
        var statistics = await response.AssertStatusAsync(HttpStatusCode.OK);

        VariantsApi.AssertCounts(statistics, total: 3, completed: 1, failed: 1, active: 2);
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), statistics.GetProperty("lastVariantCreated").GetDateTimeOffset());
        Assert.Equal(completedAt, statistics.GetProperty("lastVariantCompleted").GetDateTimeOffset());
        Assert.NotNull(response.Headers.ETag);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task Another_members_asset_is_a_404_and_an_admin_reads_it()
    {
        var owner = await factory.SignInAsync();
        var baseAsset = await owner.CreateAssetAsync();
        await owner.CreateVariantAsync(baseAsset, "gold");

        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/assets/{baseAsset}/variants/statistics")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.GetAsync($"/api/assets/{Guid.NewGuid()}/variants/statistics")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        VariantsApi.AssertCounts(await admin.StatisticsAsync(baseAsset), total: 1, completed: 0, failed: 0, active: 1);
    }
}
