using AssetForge.Features.Pipelines;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// Stopping inside the migration window is not a failure: the services waiting for the migrations end quietly. (The
/// host ignores a cancelled service only once StopAsync was called; a host whose start failed logged each one as
/// "BackgroundService failed" beside the real error.)
/// </summary>
public sealed class MigrationWindowStopTests(MigrationWindowStopTests.Factory factory) : IClassFixture<MigrationWindowStopTests.Factory>
{
    // Its own host: this test stops the services the other window test watches.
    public sealed class Factory : MigrationWindowTests.Factory;

    [Fact]
    public async Task Services_stopped_while_migrations_wait_end_as_completed_not_as_cancelled()
    {
        await using var blocker = await factory.Db.OpenConnectionAsync();
        var hold = await MigrationWindowTests.HoldMigrationsAsync(blocker);
        try
        {
            await MigrationWindowTests.StartInsideWindowAsync(factory);
            Assert.False(factory.Services.GetRequiredService<SchemaMigration>().Outcome.IsCompleted);

            await AssertEachStopsAsCompletedAsync(factory.Services);
        }
        finally
        {
            await hold.RollbackAsync();
        }
    }

    internal static async Task AssertEachStopsAsCompletedAsync(IServiceProvider services)
    {
        var running = services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.Contains(running, s => s is PipelineEventHub);
        Assert.True(running.Count >= 2, "the event hub and the jobs");
        foreach (var service in running)
        {
            await service.StopAsync(CancellationToken.None);
            Assert.True(service.ExecuteTask?.Status == TaskStatus.RanToCompletion, $"{service.GetType().Name} ended {service.ExecuteTask?.Status}");
        }
    }
}

/// <summary>The same once migrated: the jobs waiting out their start delay, the hub listening, all end quietly when stopped.</summary>
public sealed class BackgroundServiceStopTests(BackgroundServiceStopTests.Factory factory) : IClassFixture<BackgroundServiceStopTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Jobs:Enabled", "true")];
    }

    [Fact]
    public async Task Services_stopped_while_running_end_as_completed_not_as_cancelled()
    {
        await Features.Pipelines.EventsFactory.WaitListeningAsync(factory);
        await MigrationWindowStopTests.AssertEachStopsAsCompletedAsync(factory.Services);
    }
}
