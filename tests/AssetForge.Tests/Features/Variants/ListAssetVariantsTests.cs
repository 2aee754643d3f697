using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class ListAssetVariantsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static List<string> Presets(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("presetId").GetString()!).ToList();

    [Fact]
    public async Task The_gallery_is_in_display_order_descending_with_each_variants_asset_from_the_assets_table()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        await user.CreateVariantAsync(baseAsset, "low", ""","displayOrder":1""");
        await user.CreateVariantAsync(baseAsset, "high", ""","displayOrder":9""");
        await user.CreateVariantAsync(baseAsset, "mid", ""","displayOrder":5""");
        await factory.Db.ExecuteAsync("""
            UPDATE assets SET cdn_thumbnail_url = 'https://cdn.example.com/high.png', cdn_url = 'https://cdn.example.com/high.glb'
            WHERE id = (SELECT variant_asset_id FROM asset_variants WHERE base_asset_id = $1 AND preset_id = 'high')
            """, baseAsset);

        var page = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants")).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(["high", "mid", "low"], Presets(page));
        var first = page.GetProperty("data")[0].GetProperty("variantAsset");
        Assert.Equal("https://cdn.example.com/high.png", first.GetProperty("thumbnailUrl").GetString());
        Assert.Equal("https://cdn.example.com/high.glb", first.GetProperty("modelUrl").GetString());
        Assert.Equal("high sword", first.GetProperty("name").GetString());
        var pagination = page.GetProperty("pagination");
        Assert.Equal(20, pagination.GetProperty("limit").GetInt32());
        Assert.Equal(1, pagination.GetProperty("page").GetInt32());
        Assert.Equal(3, pagination.GetProperty("total").GetInt64());
        Assert.False(pagination.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task Pages_partition_the_gallery_and_carry_the_total()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        for (var i = 0; i < 5; i++) await user.CreateVariantAsync(baseAsset, $"p{i}", $$""","displayOrder":{{i}}""");

        var pages = new List<JsonElement>();
        for (var p = 1; p <= 3; p++)
            pages.Add(await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?page={p}&limit=2")).AssertStatusAsync(HttpStatusCode.OK));

        Assert.Equal(["p4", "p3", "p2", "p1", "p0"], pages.SelectMany(Presets).ToList());
        Assert.All(pages, p => Assert.Equal(5, p.GetProperty("pagination").GetProperty("total").GetInt64()));
        Assert.Equal([true, true, false], pages.Select(p => p.GetProperty("pagination").GetProperty("hasMore").GetBoolean()).ToList());

        var beyond = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?page=9&limit=2")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(Presets(beyond));
        Assert.Equal(5, beyond.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.False(beyond.GetProperty("pagination").GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task Equal_display_orders_tie_break_newest_first_so_pages_never_repeat_a_variant()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        for (var i = 0; i < 4; i++) await user.CreateVariantAsync(baseAsset, $"same{i}");

        var first = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?limit=2")).AssertStatusAsync(HttpStatusCode.OK);
        var second = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?limit=2&page=2")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["same3", "same2", "same1", "same0"], Presets(first).Concat(Presets(second)).ToList());
    }

    [Fact]
    public async Task ActiveOnly_leaves_out_inactive_variants_and_counts_only_active_ones()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        await user.CreateVariantAsync(baseAsset, "shown");
        await user.CreateVariantAsync(baseAsset, "hidden", ""","isActive":false""");

        var active = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?activeOnly=true")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["shown"], Presets(active));
        Assert.Equal(1, active.GetProperty("pagination").GetProperty("total").GetInt64());

        var all = await (await user.Client.GetAsync($"/api/assets/{baseAsset}/variants?activeOnly=false")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(2, all.GetProperty("pagination").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_base_asset_without_variants_has_an_empty_gallery()
    {
        var user = await factory.SignInAsync();
        var page = await (await user.Client.GetAsync($"/api/assets/{await user.CreateAssetAsync()}/variants")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(Presets(page));
        Assert.Equal(0, page.GetProperty("pagination").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Another_members_gallery_is_a_404_and_an_admin_sees_it()
    {
        var owner = await factory.SignInAsync();
        var baseAsset = await owner.CreateAssetAsync();
        await owner.CreateVariantAsync(baseAsset, "gold");

        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/assets/{baseAsset}/variants")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.GetAsync($"/api/assets/{Guid.NewGuid()}/variants")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        var page = await (await admin.Client.GetAsync($"/api/assets/{baseAsset}/variants")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(["gold"], Presets(page));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=1000001", "page")]
    public async Task Out_of_range_paging_is_a_400_naming_the_parameter(string query, string field)
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.GetAsync($"/api/assets/{await user.CreateAssetAsync()}/variants?{query}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("limit=ten")]
    [InlineData("page=99999999999")]
    [InlineData("activeOnly=yes")]
    public async Task Query_values_of_the_wrong_type_are_400_problems(string query)
    {
        // The request delegate generator rejects these before the handler runs, without naming the parameter.
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync($"/api/assets/{await user.CreateAssetAsync()}/variants?{query}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
