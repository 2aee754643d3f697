using System.Net;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Features.Variants;

/// <summary>
/// The statistics row must equal a recount whatever interleaves: many requests on one base asset at once, racing
/// duplicates, and cascades from the product's own deletes. Each test also checks the counts against what the test
/// itself did, so a wrong recount definition cannot hide behind "stored equals recount".
/// </summary>
public sealed class VariantStatisticsConcurrencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>
    /// Opens the API's pooled connections before a concurrent phase: otherwise requests queue behind connection
    /// set-up one by one, overlap little in the database, and a missing lock could go unnoticed.
    /// </summary>
    private async Task WarmUpConnectionPoolAsync(int connections = 90)
    {
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        var opened = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => db.OpenConnectionAsync().AsTask()));
        foreach (var connection in opened) await connection.DisposeAsync();
    }

    // Interleavings are luck: three rounds per test. With the lock removed from V3, this test fails in most runs.
    [Fact]
    public async Task Fifty_concurrent_creates_with_concurrent_status_changes_and_toggles_leave_statistics_equal_to_a_recount()
    {
        // A new user per round: a round is about 210 writes, and each user's write budget is 600 a minute.
        for (var round = 0; round < 3; round++) await FiftyCreatesRoundAsync(await factory.SignInAsync());
    }

    private async Task FiftyCreatesRoundAsync(TestUser user)
    {
        var baseAsset = await user.CreateAssetAsync();
        var existing = new List<Guid>();
        for (var i = 0; i < 20; i++) existing.Add((await user.CreateVariantAsync(baseAsset, $"existing-{i}")).Id);
        var variantAssets = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => user.CreateAssetAsync($"new {i}")));
        await WarmUpConnectionPoolAsync();

        // All at once: 50 creates, each followed at once by its own status change and active toggle, beside a status
        // change and an active toggle on each of the 20 variants that were already there.
        var creates = Enumerable.Range(0, 50).Select(async i =>
        {
            var response = await user.PostVariantAsync(baseAsset, variantAssets[i], $"new-{i}");
            var id = (await response.AssertStatusAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            if (i % 3 < 2) await (await user.SetStatusAsync(id, i % 3 == 0 ? "completed" : "failed")).AssertStatusAsync(HttpStatusCode.OK);
            if (i % 5 == 0) await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"isActive":false}""")).AssertStatusAsync(HttpStatusCode.OK);
        });
        var statusChanges = existing.Select(async (id, i) => await ((i % 3) switch
        {
            0 => await user.SetStatusAsync(id, "completed"),
            1 => await user.SetStatusAsync(id, "failed", "out of credits"),
            _ => await user.SetStatusAsync(id, "processing"),
        }).AssertStatusAsync(HttpStatusCode.OK));
        var toggles = existing.Select(async (id, i) => await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}",
            i % 4 == 0 ? """{"isActive":false}""" : """{"displayOrder":5}""")).AssertStatusAsync(HttpStatusCode.OK));
        var changes = statusChanges.Concat(toggles);
        await Task.WhenAll(creates.Concat(changes));

        var completed = Enumerable.Range(0, 50).Count(i => i % 3 == 0) + Enumerable.Range(0, 20).Count(i => i % 3 == 0);
        var failed = Enumerable.Range(0, 50).Count(i => i % 3 == 1) + Enumerable.Range(0, 20).Count(i => i % 3 == 1);
        var active = Enumerable.Range(0, 50).Count(i => i % 5 != 0) + Enumerable.Range(0, 20).Count(i => i % 4 != 0);
        var statistics = await user.StatisticsAsync(baseAsset);
        VariantsApi.AssertCounts(statistics, total: 70, completed, failed, active);
        Assert.Equal(await factory.Db.ScalarAsync<DateTime>("SELECT max(created_at) FROM asset_variants WHERE base_asset_id = $1", baseAsset),
            statistics.GetProperty("lastVariantCreated").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(await factory.Db.ScalarAsync<DateTime>(
                "SELECT max(completed_at) FROM asset_variants WHERE base_asset_id = $1 AND generation_status = 'completed'", baseAsset),
            statistics.GetProperty("lastVariantCompleted").GetDateTimeOffset().UtcDateTime);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task Concurrent_deletes_beside_concurrent_creates_lose_no_update()
    {
        for (var round = 0; round < 3; round++)
        {
            var user = await factory.SignInAsync();
            var baseAsset = await user.CreateAssetAsync();
            var doomed = new List<Guid>();
            for (var i = 0; i < 20; i++) doomed.Add((await user.CreateVariantAsync(baseAsset, $"doomed-{i}")).Id);
            var variantAssets = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => user.CreateAssetAsync($"fresh {i}")));
            await WarmUpConnectionPoolAsync();

            var deletes = doomed.Select(id => user.SendAsync(HttpMethod.Delete, $"/api/variants/{id}"));
            var creates = variantAssets.Select((asset, i) => user.PostVariantAsync(baseAsset, asset, $"fresh-{i}"));
            var responses = await Task.WhenAll(deletes.Concat(creates));

            Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
            Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 20, completed: 0, failed: 0, active: 20);
            await factory.AssertStatisticsEqualRecountAsync(baseAsset);
        }
    }

    [Fact]
    public async Task Racing_duplicates_of_many_presets_give_exactly_one_201_per_preset()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var assets = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => user.CreateAssetAsync($"racer {i}")));

        var responses = await Task.WhenAll(assets.Select((asset, i) => user.PostVariantAsync(baseAsset, asset, $"preset-{i % 10}")));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(10L, await factory.Db.ScalarAsync<long>(
            "SELECT count(DISTINCT preset_id) FROM asset_variants WHERE base_asset_id = $1", baseAsset));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 10, completed: 0, failed: 0, active: 10);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task Deleting_the_base_asset_cascades_its_variants_and_its_statistics_row()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (variant, _, body) = await user.CreateVariantAsync(baseAsset, "gold");
        await user.CreateVariantAsync(baseAsset, "silver");
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", baseAsset));

        // The product deletes assets (this API has no route for it).
        Assert.Equal(1, await factory.Db.ExecuteAsync("DELETE FROM assets WHERE id = $1", baseAsset));

        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE base_asset_id = $1", baseAsset));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", baseAsset));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", body.GetProperty("variantAssetId").GetGuid()));
        await (await user.Client.GetAsync($"/api/variants/{variant}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants/statistics")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_variant_asset_outside_the_api_still_leaves_statistics_equal_to_a_recount()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (completed, _, body) = await user.CreateVariantAsync(baseAsset, "gold");
        await user.CreateVariantAsync(baseAsset, "silver");
        await (await user.SetStatusAsync(completed, "completed")).AssertStatusAsync(HttpStatusCode.OK);

        // The product deletes the completed variant's own asset; ON DELETE CASCADE removes the variant row.
        await factory.Db.ExecuteAsync("DELETE FROM assets WHERE id = $1", body.GetProperty("variantAssetId").GetGuid());

        var statistics = await user.StatisticsAsync(baseAsset);
        VariantsApi.AssertCounts(statistics, total: 1, completed: 0, failed: 0, active: 1);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, statistics.GetProperty("lastVariantCompleted").ValueKind);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }
}
