using System.Net;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AssetForge.Tests.Infrastructure;

public sealed class ShutdownDrainTests(ShutdownDrainTests.Factory factory) : IClassFixture<ShutdownDrainTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Shutdown:DrainSeconds", "3")];
    }

    [Fact]
    public async Task While_draining_answers_carry_connection_close_and_readiness_is_503()
    {
        var client = factory.CreateClient();
        var before = await client.GetAsync("/health/live");
        Assert.False(before.Headers.ConnectionClose ?? false);

        // StopApplication runs the stopping callbacks (the drain) on the calling thread.
        var stopping = Task.Run(() => factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        var drain = factory.Services.GetRequiredService<AssetForge.Infrastructure.Http.ShutdownDrain>();
        for (var waited = 0; !drain.IsDraining && waited < 10_000; waited += 20) await Task.Delay(20);

        var live = await client.GetAsync("/health/live");
        await live.AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(live.Headers.ConnectionClose, "an answer during the drain must close its kept-alive connection");
        var ready = await client.GetAsync("/health/ready");
        await ready.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(ready.Headers.ConnectionClose);
        await stopping;
    }
}
