using System.Net;
using System.Text.Json;
using AssetForge.Features.Pipelines;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>
/// Two API hosts on one database (as two replicas would be), each with its own LISTEN connection; heartbeats every
/// 0.5 s and at most 3 streams per caller, so tests can see both.
/// </summary>
public sealed class EventsFactory : ApiFactory
{
    private Replica? _replica;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Pipelines:Events:HeartbeatSeconds", "0.5"),
        new("Pipelines:Events:MaxStreamsPerUser", "3"),
        new("Pipelines:Events:RetryMilliseconds", "1500"),
    ];

    /// <summary>The second host, on the same database.</summary>
    public ApiFactory Other => _replica ?? throw new InvalidOperationException("Not initialised.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _replica = new Replica(this);
    }

    /// <summary>A host's hub has LISTENed at least <paramref name="connections"/> times (streams opened earlier would get a resync snapshot).</summary>
    public static async Task WaitListeningAsync(ApiFactory host, int connections = 1)
    {
        var hub = host.Services.GetRequiredService<PipelineEventHub>();
        for (var i = 0; hub.ListenConnections < connections; i++)
        {
            if (i > 400) throw new Xunit.Sdk.XunitException($"The hub has listened {hub.ListenConnections} times, not {connections}.");
            await Task.Delay(25);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_replica is not null) await _replica.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Replica : ApiFactory
    {
        private readonly EventsFactory _primary;

        public Replica(EventsFactory primary)
        {
            _primary = primary;
            ConnectionString = primary.ConnectionString;
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => _primary.Settings;
    }
}

public sealed class PipelineEventsTests(EventsFactory factory) : IClassFixture<EventsFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await EventsFactory.WaitListeningAsync(factory);
        await EventsFactory.WaitListeningAsync(factory.Other);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Version(string etag) => etag.Trim('"');

    private static Task<EventStream> OpenAsync(TestUser user, Guid id, string? lastEventId = null) =>
        EventStream.OpenAsync(user.Client, $"/api/pipelines/{id}/events", lastEventId);

    [Fact]
    public async Task The_first_event_is_a_snapshot_exactly_as_GET_answers_with_the_version_as_id_and_proxy_headers()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);

        await using var stream = await OpenAsync(user, created.Id);
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no", stream.Response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.DoesNotContain(stream.Response.Content.Headers.ContentEncoding, e => e != "identity");

        var hint = await stream.NextBlockAsync();
        Assert.Equal(1500, hint!.Retry);
        var snapshot = await stream.ExpectAsync("snapshot");
        var get = await user.Client.GetAsync($"/api/pipelines/{created.Id}");
        var body = await get.Content.ReadAsStringAsync();
        Assert.Equal(JsonDocument.Parse(body).RootElement.GetRawText(), snapshot.Json.GetRawText());
        Assert.Equal(Version(get.Headers.ETag!.ToString()), snapshot.Id);
    }

    [Fact]
    public async Task A_PATCH_through_one_host_reaches_a_subscriber_of_the_other()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var onOther = new TestUser(factory.Other.ClientWith(Tokens.Member(user.Subject)), user.Id, user.Subject, false);

        await using var stream = await OpenAsync(onOther, created.Id);
        await stream.ExpectAsync("snapshot");
        var patched = await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":42,"currentStage":"texture"}""");
        await patched.AssertStatusAsync(HttpStatusCode.OK);

        var update = await stream.ExpectAsync("update");
        Assert.Equal(42, update.Json.GetProperty("progress").GetInt32());
        Assert.Equal("texture", update.Json.GetProperty("currentStage").GetString());
        Assert.Equal(Version(patched.Headers.ETag!.ToString()), update.Id);
    }

    [Fact]
    public async Task A_stage_UPDATE_by_plain_SQL_and_an_expiry_by_the_job_reach_subscribers_and_the_final_event_ends_the_stream()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await OpenAsync(user, created.Id);
        var snapshot = await stream.ExpectAsync("snapshot");

        await factory.Db.ExecuteAsync("UPDATE pipeline_stages SET progress = 40 WHERE id = $1", created.StageId(0));
        var update = await stream.ExpectAsync("update");
        Assert.Equal(40, update.Json.GetProperty("stages")[0].GetProperty("progress").GetInt32());
        Assert.NotEqual(snapshot.Id, update.Id); // a stage write moves the pipeline's version, whoever makes it

        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET expires_at = now() - interval '1 minute' WHERE id = $1", created.Id);
        await stream.ExpectAsync("update");
        Assert.True(await factory.Services.GetRequiredService<ExpirePipelines.Job>().TryRunAsync(CancellationToken.None));
        var final = await stream.ExpectAsync("update");
        Assert.Equal("failed", final.Json.GetProperty("status").GetString());
        Assert.Equal("expired", final.Json.GetProperty("error").GetString());
        await stream.ExpectEndAsync();
    }

    [Fact]
    public async Task Last_Event_ID_resumes_quietly_when_nothing_moved_at_once_when_it_did_and_with_204_when_it_was_final()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var version = Version(created.ETag);

        await using (var current = await OpenAsync(user, created.Id, lastEventId: version))
        {
            Assert.Equal(HttpStatusCode.OK, current.Response.StatusCode);
            Assert.NotNull((await current.NextBlockAsync())!.Retry);
            var quiet = await current.NextBlockAsync(); // nothing moved: a heartbeat comes, not the state again
            Assert.Null(quiet!.Data);
            Assert.Equal("heartbeat", quiet.Comment);
            var patched = await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":10}""");
            var update = await current.ExpectAsync("update");
            Assert.Equal(Version(patched.Headers.ETag!.ToString()), update.Id);
            Assert.Equal(10, update.Json.GetProperty("progress").GetInt32());
        }

        await using (var stale = await OpenAsync(user, created.Id, lastEventId: version))
        {
            var update = await stale.ExpectAsync("update", TimeSpan.FromSeconds(0.4)); // before the first heartbeat
            Assert.Equal(10, update.Json.GetProperty("progress").GetInt32());
        }

        var done = await user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"completed"}""");
        var finalVersion = Version(done.Headers.ETag!.ToString());
        await using (var afterFinal = await OpenAsync(user, created.Id, lastEventId: finalVersion))
            Assert.Equal(HttpStatusCode.NoContent, afterFinal.Response.StatusCode);
        await using var fresh = await OpenAsync(user, created.Id);
        var last = await fresh.ExpectAsync("snapshot");
        Assert.Equal("completed", last.Json.GetProperty("status").GetString());
        Assert.Equal(finalVersion, last.Id);
        await fresh.ExpectEndAsync();
    }

    [Fact]
    public async Task Another_members_pipeline_is_a_404_before_the_stream_opens_and_an_admin_may_watch_it()
    {
        var owner = await factory.SignInAsync();
        var stranger = await factory.SignInAsync();
        var admin = await factory.SignInAsync(admin: true);
        var created = await PipelineKit.CreateProcessingAsync(owner);

        await using (var denied = await OpenAsync(stranger, created.Id))
            await denied.Response.AssertProblemAsync(HttpStatusCode.NotFound);
        await using (var missing = await OpenAsync(owner, Guid.NewGuid()))
            await missing.Response.AssertProblemAsync(HttpStatusCode.NotFound);
        await using var watching = await OpenAsync(admin, created.Id);
        await watching.ExpectAsync("snapshot");
    }

    [Fact]
    public async Task Beyond_the_per_user_limit_is_a_429_with_Retry_After_and_a_closed_stream_frees_its_slot()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var open = new List<EventStream>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await OpenAsync(user, created.Id));
            await open[^1].ExpectAsync("snapshot");
        }

        await using (var over = await OpenAsync(user, created.Id))
        {
            await over.Response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(over.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        await using (var list = await EventStream.OpenAsync(user.Client, "/api/pipelines/events"))
            await list.Response.AssertProblemAsync(HttpStatusCode.TooManyRequests);

        await open[0].DisposeAsync();
        EventStream? again = null;
        for (var i = 0; i < 100 && again is null; i++)
        {
            var attempt = await OpenAsync(user, created.Id);
            if (attempt.Response.StatusCode == HttpStatusCode.OK) again = attempt;
            else { await attempt.DisposeAsync(); await Task.Delay(50); }
        }
        Assert.NotNull(again);
        await again!.ExpectAsync("snapshot");
        await again.DisposeAsync();
        foreach (var s in open.Skip(1)) await s.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeats_arrive_on_both_routes_while_nothing_changes()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await OpenAsync(user, created.Id);
        // Another member, with no pipelines: the notifications of the one just created must not reach this list.
        var watcher = await factory.SignInAsync();
        await using var list = await EventStream.OpenAsync(watcher.Client, "/api/pipelines/events");
        foreach (var open in new[] { stream, list })
        {
            await open.ExpectAsync("snapshot");
            for (var i = 0; i < 2; i++)
            {
                var block = await open.NextBlockAsync(TimeSpan.FromSeconds(3));
                Assert.Equal("heartbeat", block!.Comment);
                Assert.Null(block.Data);
            }
        }
    }

    [Fact]
    public async Task Losing_the_LISTEN_connection_gives_every_open_stream_a_fresh_snapshot_and_changes_flow_again()
    {
        // pg_terminate_backend stands in for a database restart: to the API both are the LISTEN connection dropping.
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await OpenAsync(user, created.Id);
        await using var list = await EventStream.OpenAsync(user.Client, "/api/pipelines/events");
        await stream.ExpectAsync("snapshot");
        await list.ExpectAsync("snapshot");
        var hub = factory.Services.GetRequiredService<PipelineEventHub>();
        var before = hub.ListenConnections;

        // While the connection is down a change is made: its notification is lost, the snapshot must carry it.
        await factory.Db.ExecuteAsync("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'assetforge-api-listen' AND datname = current_database()
            """);
        await factory.Db.ExecuteAsync("UPDATE generation_pipelines SET progress = 77 WHERE id = $1", created.Id);

        Sse snapshot;
        do snapshot = (await stream.NextEventAsync())!; // the change may come as an update first, if LISTEN was back in time
        while (snapshot.Event != "snapshot");
        Assert.Equal(77, snapshot.Json.GetProperty("progress").GetInt32());
        Sse page;
        do page = (await list.NextEventAsync())!;
        while (page.Event != "snapshot");
        Assert.Contains(page.Json.GetProperty("data").EnumerateArray(), p => p.GetProperty("progress").GetInt32() == 77);
        Assert.True(hub.ListenConnections > before);

        await user.PatchAsync($"/api/pipelines/{created.Id}/progress", """{"progress":78}""");
        var update = await stream.ExpectAsync("update");
        Assert.Equal(78, update.Json.GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task The_stream_ends_when_the_callers_token_expires()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        var client = factory.ClientWith(Tokens.Create(user.Subject, expires: DateTime.UtcNow.AddSeconds(2)));
        await using var stream = await EventStream.OpenAsync(client, $"/api/pipelines/{created.Id}/events");
        await stream.ExpectAsync("snapshot");
        await stream.ExpectEndAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Deleting_the_pipeline_sends_deleted_and_ends_the_stream()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateProcessingAsync(user);
        await using var stream = await OpenAsync(user, created.Id);
        await stream.ExpectAsync("snapshot");
        (await user.Client.DeleteAsync($"/api/pipelines/{created.Id}")).EnsureSuccessStatusCode();
        var deleted = await stream.ExpectAsync("deleted");
        Assert.Equal(created.Id, deleted.Json.GetProperty("id").GetGuid());
        await stream.ExpectEndAsync();
    }

    [Fact]
    public async Task The_list_stream_sends_the_first_page_then_the_callers_changes_only_filtered_by_status()
    {
        var user = await factory.SignInAsync();
        var stranger = await factory.SignInAsync();
        var mine = await PipelineKit.CreateProcessingAsync(user);
        var other = await PipelineKit.CreateProcessingAsync(stranger);
        await using var all = await EventStream.OpenAsync(user.Client, "/api/pipelines/events");
        await using var processing = await EventStream.OpenAsync(user.Client, "/api/pipelines/events?status=processing");

        var page = await all.ExpectAsync("snapshot");
        var list = await (await user.Client.GetAsync("/api/pipelines")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(list.GetRawText(), page.Json.GetRawText());
        var processingPage = await processing.ExpectAsync("snapshot");

        await stranger.PatchAsync($"/api/pipelines/{other.Id}/progress", """{"progress":5}""");
        await user.PatchAsync($"/api/pipelines/{mine.Id}/progress", """{"progress":6}""");
        var update = await ExpectNewsAsync(all, page); // the stranger's change never comes first: it never comes
        Assert.Equal(mine.Id, update.Json.GetProperty("id").GetGuid());
        Assert.Equal(6, update.Json.GetProperty("progress").GetInt32());
        Assert.False(update.Json.TryGetProperty("stages", out _));
        await ExpectNewsAsync(processing, processingPage);

        // Leaving the filtered status is announced once (so a dashboard can drop it); later changes are not.
        await user.PatchAsync($"/api/pipelines/{mine.Id}/status", """{"status":"completed"}""");
        Assert.Equal("completed", (await processing.ExpectAsync("update")).Json.GetProperty("status").GetString());
        var fresh = await PipelineKit.CreateAsync(user);
        await user.Client.DeleteAsync($"/api/pipelines/{mine.Id}");
        Assert.Equal("completed", (await all.ExpectAsync("update")).Json.GetProperty("status").GetString());
        // Two pipelines changed together: their events may come in either order (the contract orders each pipeline's own).
        Sse[] next = [(await all.NextEventAsync())!, (await all.NextEventAsync())!];
        Assert.Contains(next, e => e.Event == "update" && e.Json.GetProperty("id").GetGuid() == fresh.Id);
        Assert.Contains(next, e => e.Event == "deleted" && e.Json.GetProperty("id").GetGuid() == mine.Id);
        var quiet = await processing.NextBlockAsync(TimeSpan.FromSeconds(3));
        Assert.Null(quiet!.Data); // the initializing pipeline and the completed one's deletion are outside its filter
    }

    /// <summary>
    /// The next list update that is news: the set-up's own last change (made just before the stream opened) may arrive
    /// once more, restating an item of the snapshot, as the contract allows.
    /// </summary>
    private static async Task<Sse> ExpectNewsAsync(EventStream stream, Sse snapshot)
    {
        var shown = snapshot.Json.GetProperty("data").EnumerateArray().Select(i => i.GetRawText()).ToHashSet();
        var update = await stream.ExpectAsync("update");
        return shown.Contains(update.Json.GetRawText()) ? await stream.ExpectAsync("update") : update;
    }

    [Fact]
    public async Task The_list_stream_lets_an_admin_watch_one_user_and_refuses_members_and_bad_statuses()
    {
        var user = await factory.SignInAsync();
        var admin = await factory.SignInAsync(admin: true);
        await using (var forbidden = await EventStream.OpenAsync(user.Client, $"/api/pipelines/events?userId={admin.Id}"))
            await forbidden.Response.AssertProblemAsync(HttpStatusCode.Forbidden);
        await using (var bad = await EventStream.OpenAsync(user.Client, "/api/pipelines/events?status=sleeping"))
            await bad.Response.AssertProblemAsync(HttpStatusCode.BadRequest);

        await using var watching = await EventStream.OpenAsync(admin.Client, $"/api/pipelines/events?userId={user.Id}");
        Assert.Equal(0, (await watching.ExpectAsync("snapshot")).Json.GetProperty("data").GetArrayLength());
        var created = await PipelineKit.CreateAsync(user);
        Assert.Equal(created.Id, (await watching.ExpectAsync("update")).Json.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Both_routes_are_in_the_OpenAPI_document_with_their_event_names_and_payload_schemas()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        foreach (var (path, events) in new[]
                 {
                     ("/api/pipelines/{id}/events", new[] { ("snapshot", "Pipeline"), ("update", "Pipeline"), ("deleted", "PipelineDeleted") }),
                     ("/api/pipelines/events", new[] { ("snapshot", "CursorPageOfPipelineSummary"), ("update", "PipelineSummary"), ("deleted", "PipelineDeleted") }),
                 })
        {
            var get = doc.GetProperty("paths").GetProperty(path).GetProperty("get");
            var responses = get.GetProperty("responses");
            Assert.True(responses.TryGetProperty("429", out _), $"{path} does not document its 429");
            var variants = responses.GetProperty("200").GetProperty("content").GetProperty("text/event-stream")
                .GetProperty("schema").GetProperty("oneOf").EnumerateArray().ToList();
            Assert.Equal(events.Length, variants.Count);
            foreach (var ((name, schema), variant) in events.Zip(variants))
            {
                var properties = variant.GetProperty("properties");
                Assert.Equal(name, properties.GetProperty("event").GetProperty("enum")[0].GetString());
                Assert.Equal($"#/components/schemas/{schema}", properties.GetProperty("data").GetProperty("$ref").GetString());
                Assert.True(doc.GetProperty("components").GetProperty("schemas").TryGetProperty(schema, out _), $"{schema} is not in components");
            }
        }
    }
}
