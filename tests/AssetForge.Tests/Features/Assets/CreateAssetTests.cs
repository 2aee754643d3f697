using System.Net;
using System.Net.Http.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Assets;

public sealed class CreateAssetTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Creates_an_asset_owned_by_the_caller_with_location_and_etag()
    {
        var user = await factory.SignInAsync();
        var response = await user.Client.PostAsync("/api/assets", Http.Json("""
            {"name":"Sword","type":"weapon","description":"A blade","cdnUrl":"https://cdn.example.com/sword.glb",
             "cdnThumbnailUrl":"https://cdn.example.com/sword.png","isBaseModel":true,"metadata":{"polycount":1200}}
            """));
        var asset = await response.AssertStatusAsync(HttpStatusCode.Created);

        var id = asset.GetProperty("id").GetGuid();
        Assert.Equal($"/api/assets/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(user.Id, asset.GetProperty("ownerId").GetGuid());
        Assert.True(asset.GetProperty("isBaseModel").GetBoolean());
        Assert.Equal(1200, asset.GetProperty("metadata").GetProperty("polycount").GetInt32());
        Assert.Equal("https://cdn.example.com/sword.glb",
            await factory.Db.ScalarAsync<string>("SELECT cdn_url FROM assets WHERE id = $1 AND owner_id = $2", id, user.Id));
    }

    [Fact]
    public async Task Defaults_fill_what_the_body_leaves_out()
    {
        var user = await factory.SignInAsync();
        var asset = await (await user.Client.PostAsync("/api/assets", Http.Json("""{"name":"Rock","type":"prop"}""")))
            .AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(asset.GetProperty("isBaseModel").GetBoolean());
        Assert.Equal("draft", asset.GetProperty("status").GetString());
        Assert.Equal("private", asset.GetProperty("visibility").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, asset.GetProperty("metadata").ValueKind);
    }

    [Theory]
    [InlineData("""{"type":"prop"}""", "name")]
    [InlineData("""{"name":"","type":"prop"}""", "name")]
    [InlineData("""{"name":"Rock"}""", "type")]
    [InlineData("""{"name":"Rock","type":"prop","cdnUrl":"ftp://x/y"}""", "cdnUrl")]
    [InlineData("""{"name":"Rock","type":"prop","metadata":[1,2]}""", "metadata")]
    [InlineData("""{"name":"Rock","type":"prop","ownerId":"00000000-0000-0000-0000-000000000001"}""", "ownerId")]
    public async Task Invalid_bodies_are_400_problems_naming_the_field_and_store_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.PostAsync("/api/assets", Http.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE owner_id = $1", user.Id));
    }

    [Theory]
    [InlineData("""{"name":"Rock","type":"prop","metadata":{"note":"a\u0000b"}}""")]  // jsonb refuses NUL
    [InlineData("""{"name":"Ro\u0000ck","type":"prop"}""")]                           // so does text
    [InlineData("""{"name":"Ro\ud800ck","type":"prop"}""")]                           // a lone surrogate is not UTF-8
    public async Task Values_postgres_cannot_store_are_400_problems_not_500s(string body)
    {
        var user = await factory.SignInAsync();
        await (await user.Client.PostAsync("/api/assets", Http.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE owner_id = $1", user.Id));
    }

    [Fact]
    public async Task Requires_a_token()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/assets", new { name = "Rock", type = "prop" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
