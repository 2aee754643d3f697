using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class GetVariantByRetextureTaskTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Finds_the_variant_of_a_retexture_task_with_its_etag()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var task = $"meshy-{Guid.NewGuid()}";
        await user.CreateVariantAsync(baseAsset, "other", ""","retextureTaskId":"another-task" """);
        var (id, etag, _) = await user.CreateVariantAsync(baseAsset, "gold", $$""","retextureTaskId":"{{task}}" """);

        var response = await user.Client.GetAsync($"/api/variants/by-retexture-task/{task}");
        var variant = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(id, variant.GetProperty("id").GetGuid());
        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Equal("gold sword", variant.GetProperty("variantAsset").GetProperty("name").GetString());
    }

    [Fact]
    public async Task When_several_variants_share_a_task_the_newest_answers()
    {
        var user = await factory.SignInAsync();
        var task = $"meshy-{Guid.NewGuid()}";
        await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold", $$""","retextureTaskId":"{{task}}" """);
        var (newest, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold", $$""","retextureTaskId":"{{task}}" """);

        var variant = await (await user.Client.GetAsync($"/api/variants/by-retexture-task/{task}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(newest, variant.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Another_members_task_and_an_unknown_task_are_404s()
    {
        var owner = await factory.SignInAsync();
        var task = $"meshy-{Guid.NewGuid()}";
        await owner.CreateVariantAsync(await owner.CreateAssetAsync(), "gold", $$""","retextureTaskId":"{{task}}" """);

        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/variants/by-retexture-task/{task}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.GetAsync("/api/variants/by-retexture-task/no-such-task")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/variants/by-retexture-task/{task}")).AssertStatusAsync(HttpStatusCode.OK);
    }
}
