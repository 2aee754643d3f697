using AssetForge.Tests.Features.Pipelines;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// A starting replica's jobs wait Jobs:StartDelaySeconds after the migrations, on the app's clock, before their first
/// run: the start's CPU and first connections go to getting ready.
/// </summary>
public sealed class JobStartDelayTests(JobStartDelayTests.Factory factory) : IClassFixture<JobStartDelayTests.Factory>
{
    public sealed class Factory : ClockedApiFactory
    {
        protected override DateTimeOffset StartsAt => DateTimeOffset.UtcNow;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Jobs:Enabled", "true"), new("Jobs:StartDelaySeconds", "30")];
    }

    [Fact]
    public async Task The_expiry_jobs_first_run_comes_once_the_start_delay_has_passed_not_at_start()
    {
        var owner = await Arrange.NewUserAsync(factory.Db);
        var expired = await PipelineKit.InsertAsync(factory.Db, owner, "processing", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        _ = factory.Services; // started and migrated
        await Task.Delay(200); // the jobs arm their delay once the migrations are reported applied

        factory.Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(300); // time enough for a job that did not wait to have run
        Assert.Equal("processing", await PipelineKit.StatusAsync(factory.Db, expired));

        await Arrange.WaitUntilAsync(async () =>
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(1));
            return await PipelineKit.StatusAsync(factory.Db, expired) == "failed";
        }, "the expiry job's first run", seconds: 10);
    }
}
