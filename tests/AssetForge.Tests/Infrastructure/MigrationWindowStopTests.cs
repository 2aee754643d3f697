using AssetForge.Features.Pipelines;
using AssetForge.Infrastructure.Data;
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

            var waiting = factory.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            Assert.Contains(waiting, s => s is PipelineEventHub);
            Assert.True(waiting.Count >= 2, "the event hub and the jobs");
            foreach (var service in waiting)
            {
                await service.StopAsync(CancellationToken.None);
                Assert.Equal(TaskStatus.RanToCompletion, service.ExecuteTask?.Status);
            }
        }
        finally
        {
            await hold.RollbackAsync();
        }
    }
}
