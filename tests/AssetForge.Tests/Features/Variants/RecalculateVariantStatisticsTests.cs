using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class RecalculateVariantStatisticsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_admin_rebuilds_a_row_that_was_edited_by_hand()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (a, _, _) = await user.CreateVariantAsync(baseAsset, "a");
        await user.CreateVariantAsync(baseAsset, "b", ""","isActive":false""");
        await (await user.SetStatusAsync(a, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        await factory.Db.ExecuteAsync("""
            UPDATE variant_statistics SET total_variants = 40, completed_variants = 0, failed_variants = 9, active_variants = 0,
                   last_variant_created = NULL, last_variant_completed = '2000-01-01T00:00:00Z'
            WHERE base_asset_id = $1
            """, baseAsset);

        var admin = await factory.SignInAsync(admin: true);
        var statistics = await (await admin.Client.PostAsync($"/api/assets/{baseAsset}/variants/statistics/recalculate", null))
            .AssertStatusAsync(HttpStatusCode.OK);

        VariantsApi.AssertCounts(statistics, total: 2, completed: 1, failed: 0, active: 1);
        Assert.True(statistics.GetProperty("lastVariantCompleted").GetDateTimeOffset() > DateTimeOffset.Parse("2020-01-01T00:00:00Z"));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 1, failed: 0, active: 1);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task A_missing_row_is_created_with_zeros_for_an_asset_without_variants()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var admin = await factory.SignInAsync(admin: true);

        var statistics = await (await admin.Client.PostAsync($"/api/assets/{baseAsset}/variants/statistics/recalculate", null))
            .AssertStatusAsync(HttpStatusCode.OK);

        VariantsApi.AssertCounts(statistics, total: 0, completed: 0, failed: 0, active: 0);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", baseAsset));
    }

    [Fact]
    public async Task Members_get_403_and_an_unknown_asset_is_a_404()
    {
        var member = await factory.SignInAsync();
        var baseAsset = await member.CreateAssetAsync();
        await (await member.Client.PostAsync($"/api/assets/{baseAsset}/variants/statistics/recalculate", null))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.PostAsync($"/api/assets/{Guid.NewGuid()}/variants/statistics/recalculate", null))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", baseAsset));
    }
}
