using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>
/// A stream waits for its next event without a timer of its own: heartbeats come from one timer of the hub, so an
/// event sent leaves nothing pending behind it. (A delay per wait stayed armed for the whole heartbeat interval,
/// one per stream and event: the heap of a busy fan-out filled with them.) Timers are counted process-wide, hence
/// the collection that runs alone.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class PipelineEventTimerTests(PipelineEventTimerTests.Factory factory) : IClassFixture<PipelineEventTimerTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Pipelines:Events:HeartbeatSeconds", "60")];
    }

    [Fact]
    public async Task Events_sent_to_a_stream_leave_no_timer_armed_behind_them()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await EventStream.OpenAsync(user.Client, $"/api/pipelines/{created.Id}/events");
        await stream.ExpectAsync("snapshot");
        await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":1}""")).AssertStatusAsync(System.Net.HttpStatusCode.OK);
        await stream.ExpectAsync("update"); // whatever the first request and event set up once is in place now

        var before = Timer.ActiveCount;
        for (var progress = 2; progress <= 31; progress++)
        {
            await (await user.PatchAsync($"/api/pipelines/{created.Id}/progress", $$"""{"progress":{{progress}}}""")).AssertStatusAsync(System.Net.HttpStatusCode.OK);
            Assert.Equal(progress, (await stream.ExpectAsync("update")).Json.GetProperty("progress").GetInt32());
        }

        Assert.True(Timer.ActiveCount - before < 10, $"{Timer.ActiveCount - before} more timers armed after 30 events (before: {before})");
    }
}
