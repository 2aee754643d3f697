using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Variants;

public sealed class UpdateVariantStatusTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Completed_sets_completedAt_and_the_counts_follow_every_change()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, _, _) = await user.CreateVariantAsync(baseAsset, "gold");
        await user.CreateVariantAsync(baseAsset, "silver");

        var processing = await (await user.SetStatusAsync(id, "processing")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("processing", processing.GetProperty("generationStatus").GetString());
        Assert.Equal(JsonValueKind.Null, processing.GetProperty("completedAt").ValueKind);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 2);

        var completed = await (await user.SetStatusAsync(id, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        var completedAt = completed.GetProperty("completedAt").GetDateTimeOffset();
        var statistics = await user.StatisticsAsync(baseAsset);
        VariantsApi.AssertCounts(statistics, total: 2, completed: 1, failed: 0, active: 2);
        Assert.Equal(completedAt, statistics.GetProperty("lastVariantCompleted").GetDateTimeOffset());

        // Reporting completion again keeps the first completion time.
        var again = await (await user.SetStatusAsync(id, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(completedAt, again.GetProperty("completedAt").GetDateTimeOffset());

        var failed = await (await user.SetStatusAsync(id, "failed", "texture service timed out")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("texture service timed out", failed.GetProperty("generationError").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("completedAt").ValueKind);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 1, active: 2);
        Assert.Equal("texture service timed out",
            await factory.Db.ScalarAsync<string>("SELECT generation_error FROM asset_variants WHERE id = $1 AND generation_status = 'failed'", id));

        // A retry: the error belonged to the failure and goes with it.
        var retried = await (await user.SetStatusAsync(id, "pending")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, retried.GetProperty("generationError").ValueKind);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 2, completed: 0, failed: 0, active: 2);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task LastVariantCompleted_is_the_newest_completion_among_variants_completed_now()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (first, _, _) = await user.CreateVariantAsync(baseAsset, "first");
        var (second, _, _) = await user.CreateVariantAsync(baseAsset, "second");
        var firstAt = (await (await user.SetStatusAsync(first, "completed")).AssertStatusAsync(HttpStatusCode.OK)).GetProperty("completedAt").GetDateTimeOffset();
        var secondAt = (await (await user.SetStatusAsync(second, "completed")).AssertStatusAsync(HttpStatusCode.OK)).GetProperty("completedAt").GetDateTimeOffset();
        Assert.True(secondAt > firstAt);
        Assert.Equal(secondAt, (await user.StatisticsAsync(baseAsset)).GetProperty("lastVariantCompleted").GetDateTimeOffset());

        // The newest completion is regenerated: the previous completion is the last one again.
        await (await user.SetStatusAsync(second, "processing")).AssertStatusAsync(HttpStatusCode.OK);
        var statistics = await user.StatisticsAsync(baseAsset);
        Assert.Equal(firstAt, statistics.GetProperty("lastVariantCompleted").GetDateTimeOffset());
        VariantsApi.AssertCounts(statistics, total: 2, completed: 1, failed: 0, active: 2);

        await (await user.SetStatusAsync(first, "failed")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, (await user.StatisticsAsync(baseAsset)).GetProperty("lastVariantCompleted").ValueKind);
        await factory.AssertStatisticsEqualRecountAsync(baseAsset);
    }

    [Fact]
    public async Task If_match_guards_the_status_change_and_strangers_get_404s()
    {
        var user = await factory.SignInAsync();
        var baseAsset = await user.CreateAssetAsync();
        var (id, etag, _) = await user.CreateVariantAsync(baseAsset, "gold");
        var response = await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}/status", """{"status":"processing"}""", ifMatch: etag);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, response.Headers.ETag?.ToString());

        await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}/status", """{"status":"completed"}""", ifMatch: etag))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        var stranger = await factory.SignInAsync();
        await (await stranger.SetStatusAsync(id, "completed")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.SetStatusAsync(Guid.NewGuid(), "completed")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("processing", await factory.Db.ScalarAsync<string>("SELECT generation_status FROM asset_variants WHERE id = $1", id));
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 1, completed: 0, failed: 0, active: 1);

        var worker = await factory.SignInAsync(admin: true);
        await (await worker.SetStatusAsync(id, "completed")).AssertStatusAsync(HttpStatusCode.OK);
        VariantsApi.AssertCounts(await user.StatisticsAsync(baseAsset), total: 1, completed: 1, failed: 0, active: 1);
    }

    [Theory]
    [InlineData("{}", "status")]
    [InlineData("""{"status":null}""", "status")]
    [InlineData("""{"status":"exploded"}""", "status")]
    [InlineData("""{"status":2}""", "status")]
    [InlineData("""{"status":"failed","reason":"x"}""", "reason")]
    public async Task Unknown_or_missing_statuses_are_400s_and_change_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var (id, _, _) = await user.CreateVariantAsync(await user.CreateAssetAsync(), "gold");
        var problem = await (await user.SendAsync(HttpMethod.Patch, $"/api/variants/{id}/status", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("pending", await factory.Db.ScalarAsync<string>("SELECT generation_status FROM asset_variants WHERE id = $1", id));
    }
}
