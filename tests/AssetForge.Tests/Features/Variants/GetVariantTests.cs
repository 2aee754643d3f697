using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class GetVariantTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Owner_reads_the_variant_with_its_asset_and_the_etag_from_creation()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, etag, created) = await user.CreateVariantAsync(baseAsset, "gold");

        var response = await user.Client.GetAsync($"/api/variants/{id}");
        var variant = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Equal(created.ToString(), variant.ToString());
        Assert.Equal("gold sword", variant.GetProperty("variantAsset").GetProperty("name").GetString());
        Assert.Equal("https://cdn.example.com/t.png", variant.GetProperty("variantAsset").GetProperty("thumbnailUrl").GetString());
        Assert.Equal("https://cdn.example.com/m.glb", variant.GetProperty("variantAsset").GetProperty("modelUrl").GetString());
    }

    [Fact]
    public async Task Another_member_gets_a_404_and_an_admin_gets_the_variant()
    {
        var owner = await factory.SignInAsync();
        var (id, _, _) = await owner.CreateVariantAsync(await owner.CreateAssetAsync(), "gold");

        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/variants/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/variants/{id}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_id_is_404_and_malformed_id_is_400()
    {
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync($"/api/variants/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await user.Client.GetAsync("/api/variants/not-a-uuid")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }
}
