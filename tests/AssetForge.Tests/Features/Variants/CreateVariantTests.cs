using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class CreateVariantTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Creates_the_variant_with_its_asset_location_and_etag_and_starts_the_statistics()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync("Sword");
        var variantAsset = await user.CreateAssetAsync("Gold sword", "https://cdn.example.com/gold.png", "https://cdn.example.com/gold.glb");

        var response = await user.PostVariantAsync(baseAsset, variantAsset, "gold", """
            ,"presetCategory":"metal","presetTier":"rare","presetColor":"#ffd700","stylePrompt":"shiny gold",
             "metadata":{"seed":7},"displayOrder":3,"retextureTaskId":"task-1"
            """);
        var variant = await response.AssertStatusAsync(HttpStatusCode.Created);

        var id = variant.GetProperty("id").GetGuid();
        Assert.Equal($"/api/variants/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(baseAsset, variant.GetProperty("baseAssetId").GetGuid());
        Assert.Equal(user.Id, variant.GetProperty("ownerId").GetGuid());
        Assert.Equal("gold", variant.GetProperty("presetId").GetString());
        Assert.Equal("Preset gold", variant.GetProperty("presetName").GetString());
        Assert.Equal("metal", variant.GetProperty("presetCategory").GetString());
        Assert.Equal("pending", variant.GetProperty("generationStatus").GetString());
        Assert.Equal(3, variant.GetProperty("displayOrder").GetInt32());
        Assert.True(variant.GetProperty("isActive").GetBoolean());
        Assert.Equal(7, variant.GetProperty("metadata").GetProperty("seed").GetInt32());
        Assert.Equal("task-1", variant.GetProperty("retextureTaskId").GetString());
        var asset = variant.GetProperty("variantAsset");
        Assert.Equal(variantAsset, asset.GetProperty("id").GetGuid());
        Assert.Equal("Gold sword", asset.GetProperty("name").GetString());
        Assert.Equal("https://cdn.example.com/gold.png", asset.GetProperty("thumbnailUrl").GetString());
        Assert.Equal("https://cdn.example.com/gold.glb", asset.GetProperty("modelUrl").GetString());

        Assert.Equal(1L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM asset_variants WHERE id = $1 AND base_asset_id = $2 AND variant_asset_id = $3 AND owner_id = $4",
            id, baseAsset, variantAsset, user.Id));
        var statistics = await user.StatisticsAsync(baseAsset);
        VariantsApi.AssertCounts(statistics, total: 1, completed: 0, failed: 0, active: 1);
        Assert.Equal(variant.GetProperty("createdAt").GetDateTimeOffset(), statistics.GetProperty("lastVariantCreated").GetDateTimeOffset());
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task An_inactive_variant_counts_in_the_total_but_not_as_active()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        await user.CreateVariantAsync(baseAsset, "a");
        var (_, _, hidden) = await user.CreateVariantAsync(baseAsset, "b", ""","isActive":false""");
        Assert.False(hidden.GetProperty("isActive").GetBoolean());
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 1);
    }

    [Fact]
    public async Task A_second_variant_for_the_same_preset_is_a_409_and_changes_nothing()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        await user.CreateVariantAsync(baseAsset, "gold");
        var other = await user.CreateAssetAsync();

        var problem = await (await user.PostVariantAsync(baseAsset, other, "gold")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("gold", problem.GetProperty("detail").GetString());
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE base_asset_id = $1", baseAsset));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 1, completed: 0, failed: 0, active: 1);
    }

    [Fact]
    public async Task Racing_creates_of_one_preset_give_exactly_one_201_and_409s_for_the_rest()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var assets = new List<Guid>();
        for (var i = 0; i < 8; i++) assets.Add(await user.CreateAssetAsync($"candidate {i}"));

        var responses = await Task.WhenAll(assets.Select(a => user.PostVariantAsync(baseAsset, a, "silver")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await conflict.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE base_asset_id = $1", baseAsset));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 1, completed: 0, failed: 0, active: 1);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task Another_members_base_asset_is_a_404_and_another_members_variant_asset_is_a_404_saying_so()
    {
        var owner = await factory.SignInAsync();
        var stranger = await factory.SignInAsync();
        var ownersAsset = await owner.CreateAssetAsync();
        var strangersAsset = await stranger.CreateAssetAsync();

        await (await stranger.PostVariantAsync(ownersAsset, strangersAsset, "gold")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await owner.PostVariantAsync(ownersAsset, strangersAsset, "gold")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(strangersAsset.ToString(), problem.GetProperty("detail").GetString());
        await (await owner.PostVariantAsync(Guid.NewGuid(), await owner.CreateAssetAsync(), "gold")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE base_asset_id = $1", ownersAsset));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM variant_statistics WHERE base_asset_id = $1", ownersAsset));
    }

    [Fact]
    public async Task An_admin_may_use_anyones_assets_and_the_variant_belongs_to_the_base_assets_owner()
    {
        var owner = await factory.SignInAsync();
        var baseAsset = await owner.CreateAssetAsync();
        var admin = await factory.SignInAsync(admin: true);
        var adminsAsset = await admin.CreateAssetAsync();

        var variant = await (await admin.PostVariantAsync(baseAsset, adminsAsset, "gold")).AssertStatusAsync(HttpStatusCode.Created);

        Assert.Equal(owner.Id, variant.GetProperty("ownerId").GetGuid());
        await (await owner.Client.GetAsync($"/api/variants/{variant.GetProperty("id").GetGuid()}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_variant_of_itself_is_a_400()
    {
        var user = await factory.SignInAsync();
        var asset = await user.CreateAssetAsync();
        var problem = await (await user.PostVariantAsync(asset, asset, "gold")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("variantAssetId", out _));
    }

    [Theory]
    [InlineData("""{"presetId":"gold","presetName":"Gold"}""", "variantAssetId")]
    [InlineData("""{"variantAssetId":"00000000-0000-0000-0000-000000000000","presetId":"gold","presetName":"Gold"}""", "variantAssetId")]
    [InlineData("""{"variantAssetId":"not-a-uuid","presetId":"gold","presetName":"Gold"}""", "variantAssetId")]
    [InlineData("""{"variantAssetId":"VARIANT","presetName":"Gold"}""", "presetId")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"","presetName":"Gold"}""", "presetId")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"gold"}""", "presetName")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"gold","presetName":"Gold","metadata":[1]}""", "metadata")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"gold","presetName":"Gold","displayOrder":"5"}""", "displayOrder")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"gold","presetName":"Gold","isActive":1}""", "isActive")]
    [InlineData("""{"variantAssetId":"VARIANT","presetId":"gold","presetName":"Gold","generationStatus":"completed"}""", "generationStatus")]
    public async Task Invalid_bodies_are_400_problems_naming_the_field_and_store_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var variantAsset = await user.CreateAssetAsync();

        var response = await user.Client.PostAsync($"/api/assets/{baseAsset}/variants",
            Http.Json(body.Replace("VARIANT", variantAsset.ToString())));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM asset_variants WHERE base_asset_id = $1", baseAsset));
    }

    [Fact]
    public async Task A_preset_id_longer_than_the_column_is_a_400()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var problem = await (await user.PostVariantAsync(baseAsset, await user.CreateAssetAsync(), new string('p', 101)))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("presetId", out _));
    }

    [Fact]
    public async Task A_malformed_base_asset_id_is_a_400_and_no_token_is_a_401()
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.PostAsync("/api/assets/nope/variants",
                Http.Json("""{"variantAssetId":"00000000-0000-0000-0000-000000000001","presetId":"a","presetName":"A"}""")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("baseAssetId", out _));

        await (await factory.CreateClient().PostAsync($"/api/assets/{Guid.NewGuid()}/variants", Http.Json("{}")))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
