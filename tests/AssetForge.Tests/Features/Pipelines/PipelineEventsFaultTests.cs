using AssetForge.Features.Pipelines;
using AssetForge.Infrastructure.Http;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>The database really stops and starts under open streams: on a cluster of its own, so other classes keep theirs.</summary>
public sealed class PipelineEventsRestartTests(PipelineEventsRestartTests.Factory factory) : IClassFixture<PipelineEventsRestartTests.Factory>
{
    public sealed class Factory : OwnClusterApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Pipelines:Events:HeartbeatSeconds", "0.5")];
    }

    [Fact]
    public async Task Across_a_database_restart_streams_keep_heartbeating_then_get_a_fresh_snapshot_and_changes_flow_again()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await EventsFactory.WaitListeningAsync(factory);
        var hub = factory.Services.GetRequiredService<PipelineEventHub>();
        var listened = hub.ListenConnections;
        await using var stream = await EventStream.OpenAsync(user.Client, $"/api/pipelines/{created.Id}/events");
        await stream.ExpectAsync("snapshot");

        await factory.Cluster.StopServerAsync();
        try
        {
            // The client is never left in silence while the database is away.
            for (var i = 0; i < 3; i++) Assert.Equal("heartbeat", (await stream.NextBlockAsync(TimeSpan.FromSeconds(3)))!.Comment);
        }
        finally
        {
            await factory.Cluster.StartServerAsync();
        }

        // Written before the hub can be listening again (its backoff has grown during the stop): only the snapshot
        // sent on reconnecting can carry it.
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET progress = 61 WHERE id = $1", created.Id);
        Sse snapshot;
        do snapshot = (await stream.NextEventAsync(TimeSpan.FromSeconds(40)))!;
        while (snapshot.Event != "snapshot");
        Assert.Equal(61, snapshot.Json.GetProperty("progress").GetInt32());
        Assert.True(hub.ListenConnections > listened, "the snapshot must come from a new LISTEN connection");

        await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":62}""");
        Sse update;
        do update = (await stream.NextEventAsync())!;
        while (update.Event == "snapshot"); // a second resync may still be in flight
        Assert.Equal("update", update.Event);
        Assert.Equal(62, update.Json.GetProperty("progress").GetInt32());
    }
}

/// <summary>Stopping the host ends open streams at once, not after the drain: a client reconnects to another replica.</summary>
public sealed class PipelineEventsShutdownTests(PipelineEventsShutdownTests.Factory factory) : IClassFixture<PipelineEventsShutdownTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        // Long enough that a stream ended only by the host stopping would miss the deadline below.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Shutdown:DrainSeconds", "6")];
    }

    [Fact]
    public async Task Shutdown_ends_every_open_stream_promptly_while_the_drain_still_runs()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await EventStream.OpenAsync(user.Client, $"/api/pipelines/{created.Id}/events");
        await using var list = await EventStream.OpenAsync(user.Client, "/api/pipelines/events");
        await stream.ExpectAsync("snapshot");
        await list.ExpectAsync("snapshot");

        var stopping = Task.Run(() => factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        await stream.ExpectEndAsync(TimeSpan.FromSeconds(3));
        await list.ExpectEndAsync(TimeSpan.FromSeconds(3));
        Assert.True(factory.Services.GetRequiredService<ShutdownDrain>().IsDraining);
        Assert.False(stopping.IsCompleted, "the streams must end at the start of the drain, not when it is over");
        // A stream's slot is released when its response is disposed, just after the client read the end.
        var hub = factory.Services.GetRequiredService<PipelineEventHub>();
        await Arrange.WaitUntilAsync(() => Task.FromResult(hub.OpenStreams == 0), "the streams' slots to be released", seconds: 2);
        await stopping;
    }
}
