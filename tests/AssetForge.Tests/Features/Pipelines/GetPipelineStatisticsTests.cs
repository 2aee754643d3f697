using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class GetPipelineStatisticsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<Guid> InsertFinishedAsync(Guid userId, string status, int seconds)
    {
        var completed = DateTimeOffset.UtcNow.AddMinutes(-1);
        return await PipelineKit.InsertAsync(factory.Db, userId, status, startedAt: completed.AddSeconds(-seconds), completedAt: completed);
    }

    [Fact]
    public async Task Counts_every_status_and_computes_rate_and_average_in_sql()
    {
        var user = await factory.SignInAsync();
        await InsertFinishedAsync(user.Id, "completed", 10);
        await InsertFinishedAsync(user.Id, "completed", 20);
        await InsertFinishedAsync(user.Id, "completed", 60);
        await InsertFinishedAsync(user.Id, "failed", 5);
        await PipelineKit.InsertAsync(factory.Db, user.Id, "processing");
        await PipelineKit.InsertAsync(factory.Db, user.Id, "cancelled");
        var other = await factory.SignInAsync();
        await InsertFinishedAsync(other.Id, "failed", 1);

        var stats = await (await user.Client.GetAsync("/api/pipelines/statistics")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(6, stats.GetProperty("total").GetInt64());
        var byStatus = stats.GetProperty("byStatus");
        Assert.Equal(["initializing", "processing", "completed", "failed", "cancelled"], byStatus.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, byStatus.GetProperty("initializing").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("processing").GetInt64());
        Assert.Equal(3, byStatus.GetProperty("completed").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("failed").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("cancelled").GetInt64());
        Assert.Equal(0.75, stats.GetProperty("successRate").GetDouble(), 10);
        Assert.Equal(30_000, stats.GetProperty("averageDurationMs").GetDouble(), 3);
    }

    [Fact]
    public async Task Rate_and_average_are_null_with_nothing_finished()
    {
        var user = await factory.SignInAsync();
        var empty = await (await user.Client.GetAsync("/api/pipelines/statistics")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, empty.GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("successRate").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("averageDurationMs").ValueKind);

        await PipelineKit.InsertAsync(factory.Db, user.Id, "cancelled");
        await InsertFinishedAsync(user.Id, "failed", 3);
        var failedOnly = await (await user.Client.GetAsync("/api/pipelines/statistics")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0.0, failedOnly.GetProperty("successRate").GetDouble());
        Assert.Equal(JsonValueKind.Null, failedOnly.GetProperty("averageDurationMs").ValueKind);
    }

    [Fact]
    public async Task Admins_see_everyone_or_one_user_and_members_only_themselves()
    {
        var admin = await factory.SignInAsync(admin: true);
        var a = await factory.SignInAsync();
        var b = await factory.SignInAsync();
        await InsertFinishedAsync(a.Id, "completed", 1);
        await InsertFinishedAsync(b.Id, "failed", 1);
        await InsertFinishedAsync(b.Id, "failed", 1);

        var all = await (await admin.Client.GetAsync("/api/pipelines/statistics")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(await factory.Db.ScalarAsync<long>("SELECT count(*) FROM generation_pipelines"), all.GetProperty("total").GetInt64());
        var onlyB = await (await admin.Client.GetAsync($"/api/pipelines/statistics?userId={b.Id}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(2, onlyB.GetProperty("byStatus").GetProperty("failed").GetInt64());
        Assert.Equal(0.0, onlyB.GetProperty("successRate").GetDouble());

        var own = await (await a.Client.GetAsync($"/api/pipelines/statistics?userId={a.Id}")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, own.GetProperty("total").GetInt64());
        await (await a.Client.GetAsync($"/api/pipelines/statistics?userId={b.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var problem = await (await a.Client.GetAsync("/api/pipelines/statistics?userId=me")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
    }
}
