using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

/// <summary>Arranging variants over HTTP, and the statistics invariant every test can check.</summary>
internal static class VariantsApi
{
    public static async Task<Guid> CreateAssetAsync(this TestUser user, string name = "Sword",
        string thumbnail = "https://cdn.example.com/t.png", string model = "https://cdn.example.com/m.glb")
    {
        var response = await user.Client.PostAsync("/api/assets", Http.Json(JsonSerializer.Serialize(new
        {
            name,
            type = "weapon",
            cdnThumbnailUrl = thumbnail,
            cdnUrl = model,
        })));
        return (await response.AssertStatusAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static Task<HttpResponseMessage> PostVariantAsync(this TestUser user, Guid baseAssetId, Guid variantAssetId, string presetId,
        string extraJson = "") =>
        user.Client.PostAsync($"/api/assets/{baseAssetId}/variants", Http.Json(
            $$"""{"variantAssetId":"{{variantAssetId}}","presetId":"{{presetId}}","presetName":"Preset {{presetId}}"{{extraJson}}}"""));

    /// <summary>A variant of <paramref name="baseAssetId"/> on a fresh variant asset; returns its body and ETag.</summary>
    public static async Task<(Guid Id, string ETag, JsonElement Body)> CreateVariantAsync(this TestUser user, Guid baseAssetId,
        string presetId, string extraJson = "")
    {
        var variantAsset = await user.CreateAssetAsync($"{presetId} sword");
        var response = await user.PostVariantAsync(baseAssetId, variantAsset, presetId, extraJson);
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        return (body.GetProperty("id").GetGuid(), response.Headers.ETag!.ToString(), body);
    }

    public static Task<HttpResponseMessage> SetStatusAsync(this TestUser user, Guid variantId, string status, string? error = null) =>
        user.SendAsync(HttpMethod.Patch, $"/api/variants/{variantId}/status",
            JsonSerializer.Serialize(new Dictionary<string, string?> { ["status"] = status, ["error"] = error }));

    /// <summary>
    /// The invariant: the stored statistics row equals what variant_statistics_recount (the one recount definition,
    /// also used by the trigger and by recalculate) gives now. Compared as row text so a failure shows both rows.
    /// </summary>
    public static async Task AssertStatisticsEqualRecountAsync(this ApiFactory factory, Guid baseAssetId)
    {
        var stored = await factory.Db.ScalarAsync<string>("""
            SELECT row(s.total_variants, s.completed_variants, s.failed_variants, s.active_variants,
                       s.last_variant_created, s.last_variant_completed)::text
            FROM variant_statistics s WHERE s.base_asset_id = $1
            """, baseAssetId);
        var recount = await factory.Db.ScalarAsync<string>("SELECT row(r.*)::text FROM variant_statistics_recount($1) r", baseAssetId);
        Assert.Equal(recount, stored);
    }

    /// <summary>The statistics as the API reports them.</summary>
    public static async Task<JsonElement> StatisticsAsync(this TestUser user, Guid baseAssetId) =>
        await (await user.Client.GetAsync($"/api/assets/{baseAssetId}/variants/statistics")).AssertStatusAsync(HttpStatusCode.OK);

    public static void AssertCounts(JsonElement statistics, int total, int completed, int failed, int active)
    {
        Assert.Equal(total, statistics.GetProperty("totalVariants").GetInt32());
        Assert.Equal(completed, statistics.GetProperty("completedVariants").GetInt32());
        Assert.Equal(failed, statistics.GetProperty("failedVariants").GetInt32());
        Assert.Equal(active, statistics.GetProperty("activeVariants").GetInt32());
    }
}
