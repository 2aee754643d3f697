using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Assets;

public sealed class GetAssetTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<(TestUser Owner, Guid Id, string ETag)> CreateAsync()
    {
        var owner = await factory.SignInAsync();
        var response = await owner.Client.PostAsync("/api/assets", Http.Json("""{"name":"Shield","type":"armor"}"""));
        var asset = await response.AssertStatusAsync(HttpStatusCode.Created);
        return (owner, asset.GetProperty("id").GetGuid(), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Owner_reads_the_asset_with_the_etag_from_creation()
    {
        var (owner, id, etag) = await CreateAsync();
        var response = await owner.Client.GetAsync($"/api/assets/{id}");
        var asset = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Shield", asset.GetProperty("name").GetString());
        Assert.Equal(etag, response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Another_member_gets_a_404_and_an_admin_gets_the_asset()
    {
        var (_, id, _) = await CreateAsync();
        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/assets/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/assets/{id}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_id_is_404_and_malformed_id_is_400()
    {
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync($"/api/assets/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await user.Client.GetAsync("/api/assets/not-a-uuid")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }
}
