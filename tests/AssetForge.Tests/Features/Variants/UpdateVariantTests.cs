using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class UpdateVariantTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Changes_the_given_fields_keeps_the_others_and_returns_a_new_etag()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, etag, _) = await user.CreateVariantAsync(baseAsset, "gold",
            ""","stylePrompt":"old prompt","retextureTaskId":"task-1","metadata":{"a":1}""");

        var response = await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}",
            """{"displayOrder":7,"metadata":{"b":2},"stylePrompt":"new prompt"}""", ifMatch: etag);
        var variant = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.NotEqual(etag, response.Headers.ETag?.ToString());
        Assert.Equal(7, variant.GetProperty("displayOrder").GetInt32());
        Assert.Equal("new prompt", variant.GetProperty("stylePrompt").GetString());
        Assert.Equal("task-1", variant.GetProperty("retextureTaskId").GetString());
        Assert.True(variant.GetProperty("isActive").GetBoolean());
        Assert.Equal("""{"b":2}""", variant.GetProperty("metadata").GetRawText().Replace(" ", ""));
        Assert.Equal("gold sword", variant.GetProperty("variantAsset").GetProperty("name").GetString());
        Assert.Equal(7, await factory.Db.ScalarAsync<int>("SELECT display_order FROM asset_variants WHERE id = $1", id));

        var read = await user.Client.GetAsync($"/api/variants/{id}");
        Assert.Equal(response.Headers.ETag?.ToString(), read.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task An_empty_string_clears_the_style_prompt_and_the_retexture_task()
    {
        var user = await factory.SignInAsync();
        var (id, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold", ""","stylePrompt":"p","retextureTaskId":"t" """);

        var variant = await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"stylePrompt":"","retextureTaskId":""}"""))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, variant.GetProperty("stylePrompt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, variant.GetProperty("retextureTaskId").ValueKind);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM asset_variants WHERE id = $1 AND style_prompt IS NULL AND retexture_task_id IS NULL", id));
    }

    [Fact]
    public async Task Toggling_isActive_moves_the_active_count_in_the_same_request()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, _, _) = await user.CreateVariantAsync(baseAsset, "gold");
        await user.CreateVariantAsync(baseAsset, "silver");

        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"isActive":false}""")).AssertStatusAsync(HttpStatusCode.OK);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 1);

        // Setting what is already there changes no count.
        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"isActive":false}""")).AssertStatusAsync(HttpStatusCode.OK);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 1);

        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"isActive":true}""")).AssertStatusAsync(HttpStatusCode.OK);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 2);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412_that_changes_nothing_and_another_members_variant_is_a_404()
    {
        var user = await factory.SignInAsync();
        var (id, etag, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold");
        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":1}""", ifMatch: etag))
            .AssertStatusAsync(HttpStatusCode.OK);

        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":2}""", ifMatch: etag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":2}""", ifMatch: "\"not-a-version\""))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, await factory.Db.ScalarAsync<int>("SELECT display_order FROM asset_variants WHERE id = $1", id));

        var stranger = await factory.SignInAsync();
        await (await stranger.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":3}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":3}""", ifMatch: etag))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{Guid.NewGuid()}", """{"displayOrder":3}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await factory.Db.ScalarAsync<int>("SELECT display_order FROM asset_variants WHERE id = $1", id));

        var admin = await factory.SignInAsync(admin: true);
        await (await admin.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", """{"displayOrder":4}""", ifMatch: "*")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("""{"isActive":null}""", "body")]
    [InlineData("""{"metadata":"text"}""", "metadata")]
    [InlineData("""{"displayOrder":1.5}""", "displayOrder")]
    [InlineData("""{"displayOrder":99999999999}""", "displayOrder")]
    [InlineData("""{"generationStatus":"completed"}""", "generationStatus")]
    [InlineData("""{"presetId":"other"}""", "presetId")]
    public async Task Invalid_bodies_are_400_problems_naming_the_field(string body, string field)
    {
        var user = await factory.SignInAsync();
        var (id, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold");
        var problem = await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
