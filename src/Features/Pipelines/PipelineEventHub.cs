using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace AssetForge.Features.Pipelines;

/// <summary>One server-sent event, its data already JSON: a change is serialized once, however many streams send it.</summary>
public sealed record PipelineEvent(string Type, uint? Version, byte[] Data, bool Final = false)
{
    public const string Snapshot = "snapshot";
    public const string Update = "update";
    public const string Deleted = "deleted";

    /// <summary>Queued by the hub's tick to a stream with nothing queued: the stream writes a comment, not an event.</summary>
    public static readonly PipelineEvent Heartbeat = new("heartbeat", null, []);

    /// <summary>The event's `id:` (its version), formatted once however many streams send it.</summary>
    public string? EventId { get; } = Version?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The data of a `deleted` event.</summary>
/// <param name="Id">The id of the pipeline that was deleted (or left the caller's view).</param>
public sealed record PipelineDeleted(Guid Id);

/// <summary>
/// The process's one LISTEN connection (channel <see cref="ChannelName"/>, fed by V7's triggers) and the fan-out to every
/// open event stream. Notifications only name a pipeline: a burst of them for one pipeline is coalesced into one read
/// of its current state, done only when some stream watches it, and sent to all of them. Streams wait on an in-memory
/// channel and hold no database connection. When the LISTEN connection drops it reconnects with backoff and, since
/// the notifications sent meanwhile are lost, sends every open stream a fresh snapshot.
/// </summary>
public sealed partial class PipelineEventHub : BackgroundWork
{
    public const string ChannelName = "assetforge_pipelines";

    private readonly NpgsqlDataSource _db;
    private readonly SchemaMigration _schema;
    private readonly IConfiguration _configuration;
    private readonly PipelineEventSettings _settings;
    private readonly ILogger<PipelineEventHub> _logger;
    private readonly JsonTypeInfo _pipelineJson, _summaryJson, _deletedJson, _pageJson;

    private readonly ConcurrentDictionary<Guid, Topic> _topics = new();
    private readonly Lock _listsGate = new();
    private ListSubscription[] _lists = [];
    private readonly ConcurrentDictionary<Guid, Change> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<Guid, int> _perUser = new();
    private int _open;
    private int _connections;
    private readonly IDisposable _gauge;

    public PipelineEventHub(NpgsqlDataSource db, SchemaMigration schema, IConfiguration configuration,
        IOptions<PipelineEventSettings> settings, IOptions<HttpJsonOptions> json, ILogger<PipelineEventHub> logger)
    {
        _db = db;
        _schema = schema;
        _configuration = configuration;
        _settings = settings.Value;
        _logger = logger;
        var options = json.Value.SerializerOptions;
        _pipelineJson = options.GetTypeInfo(typeof(Pipeline));
        _summaryJson = options.GetTypeInfo(typeof(PipelineSummary));
        _deletedJson = options.GetTypeInfo(typeof(PipelineDeleted));
        _pageJson = options.GetTypeInfo(typeof(CursorPage<PipelineSummary>));
        _gauge = AppMetrics.ObserveEventStreams(() => OpenStreams);
    }

    public override void Dispose()
    {
        _gauge.Dispose();
        base.Dispose();
    }

    /// <summary>Event streams open in this process right now (both routes).</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>How many times the LISTEN connection has been (re)established; 0 until it first is.</summary>
    public int ListenConnections => Volatile.Read(ref _connections);

    public PipelineEventSettings Settings => _settings;

    // --- limits ---------------------------------------------------------------------------------------------

    /// <summary>A slot for one more stream of this caller, or null beyond the per-user or per-process limit.</summary>
    public IDisposable? TryOpen(Guid userId)
    {
        if (Interlocked.Increment(ref _open) > _settings.MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }
        if (_perUser.AddOrUpdate(userId, 1, static (_, n) => n + 1) > _settings.MaxStreamsPerUser)
        {
            Release(userId);
            return null;
        }
        return new Slot(this, userId);
    }

    private void Release(Guid userId)
    {
        // Compare-and-remove: a count that another stream just raised again stays.
        if (_perUser.AddOrUpdate(userId, 0, static (_, n) => n - 1) == 0)
            _perUser.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
        Interlocked.Decrement(ref _open);
    }

    private sealed class Slot(PipelineEventHub hub, Guid userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            hub.Release(userId);
        }
    }

    // --- subscriptions ---------------------------------------------------------------------------------------

    /// <summary>Watches one pipeline, as a caller who may see it (the stream checked that before subscribing).</summary>
    public PipelineSubscription Subscribe(Guid pipelineId, Guid userId, bool isAdmin)
    {
        var subscription = new PipelineSubscription(this, pipelineId, userId, isAdmin);
        while (true)
        {
            var topic = _topics.GetOrAdd(pipelineId, static _ => new Topic());
            lock (topic.Gate)
            {
                if (topic.Closed) continue; // emptied and removed meanwhile: take the new one
                topic.Subscribers = [.. topic.Subscribers, subscription];
                return subscription;
            }
        }
    }

    internal void Unsubscribe(PipelineSubscription subscription)
    {
        if (!_topics.TryGetValue(subscription.PipelineId, out var topic)) return;
        lock (topic.Gate)
        {
            topic.Subscribers = Array.FindAll(topic.Subscribers, s => s != subscription);
            if (topic.Subscribers.Length > 0) return;
            topic.Closed = true;
            _topics.TryRemove(new KeyValuePair<Guid, Topic>(subscription.PipelineId, topic));
        }
    }

    /// <summary>Watches the list of one owner's pipelines (null: everyone's), optionally only some statuses.</summary>
    public ListSubscription SubscribeList(Guid? owner, IReadOnlyCollection<PipelineStatus> statuses)
    {
        var subscription = new ListSubscription(this, owner, statuses.Aggregate(0, (mask, s) => mask | Bit(s)));
        lock (_listsGate) _lists = [.. _lists, subscription];
        return subscription;
    }

    internal void Unsubscribe(ListSubscription subscription)
    {
        lock (_listsGate) _lists = Array.FindAll(_lists, s => s != subscription);
    }

    private static int Bit(PipelineStatus status) => 1 << (int)status;

    private sealed class Topic
    {
        public readonly Lock Gate = new();
        public PipelineSubscription[] Subscribers = [];
        public bool Closed;
    }

    // --- notifications -----------------------------------------------------------------------------------------

    /// <summary>What is known of a pipeline's pending change: the owners it was listed under and the statuses it left.</summary>
    private sealed record Change(Guid[] Owners, int WasMask, bool Resync)
    {
        public Change Merge(Change other) => new(
            Owners.Length == 1 && other.Owners is [var o] && o == Owners[0] ? Owners : Owners.Union(other.Owners).ToArray(),
            WasMask | other.WasMask, Resync || other.Resync);
    }

    private void Note(Guid pipelineId, Change change)
    {
        _pending.AddOrUpdate(pipelineId, static (_, added) => added, static (_, pending, added) => pending.Merge(added), change);
        _wake.Writer.TryWrite(true);
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        try
        {
            using var payload = JsonDocument.Parse(e.Payload);
            var root = payload.RootElement;
            var was = root.GetProperty("was");
            var wasMask = was.ValueKind == JsonValueKind.String && PgEnumLabels<PipelineStatus>.TryParse(was.GetString()!, out var status)
                ? Bit(status) : 0;
            Note(root.GetProperty("id").GetGuid(), new Change([root.GetProperty("userId").GetGuid()], wasMask, Resync: false));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            LogBadPayload(_logger, e.Payload);
        }
    }

    protected override async Task RunUntilStoppedAsync(CancellationToken stoppingToken)
    {
        // The host starts while start-up still waits for the database and applies the migrations; listening then would
        // only retry beside that wait (a Warning per backoff step during an outage), and no stream opens before /api does.
        if (!await _schema.Outcome.WaitAsync(stoppingToken)) return;
        await Task.WhenAll(ListenAsync(stoppingToken), DispatchAsync(stoppingToken), HeartbeatAsync(stoppingToken));
    }

    /// <summary>
    /// One timer for the process: each tick queues a heartbeat to every stream with nothing queued, so no stream is
    /// silent longer than Pipelines:Events:HeartbeatSeconds. (A timer per stream, re-armed after each event, left one
    /// pending delay per stream and event alive for the whole interval: with 1,000 streams on one pipeline, tens of
    /// thousands of them, and a fifth of the fan-out's CPU went to collecting them.)
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.Heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var topic in _topics.Values)
                    foreach (var subscriber in topic.Subscribers) subscriber.OfferHeartbeat();
                foreach (var list in Volatile.Read(ref _lists)) list.OfferHeartbeat();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(Database.GetConnectionString(_configuration))
        {
            // Its own physical connection, never returned to the pool still listening; keepalives find a dead one.
            Pooling = false,
            ApplicationName = "assetforge-api-listen",
        };
        if (!csb.ContainsKey("Keepalive")) csb.KeepAlive = 10;
        // LISTEN and notifications use built-in types only: no need to load the database's type catalogue.
        var builder = new NpgsqlSlimDataSourceBuilder(csb.ConnectionString) { Name = Database.SideSourceName("listen") }
            .WithoutTypeLoading();
        builder.EnableTransportSecurity();
        await using var source = builder.Build();

        var backoff = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(ct);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                backoff = TimeSpan.Zero;
                Interlocked.Increment(ref _connections);
                ResyncAll(); // whatever changed before (or while) this connection was down, streams get it now
                while (true) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                LogListenLost(_logger, backoff.TotalMilliseconds, ex.Message);
                try { await Task.Delay(backoff, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>After a reconnect: every watched pipeline is read again and every stream gets a snapshot.</summary>
    private void ResyncAll()
    {
        foreach (var id in _topics.Keys) Note(id, new Change([], 0, Resync: true));
        foreach (var list in Volatile.Read(ref _lists)) list.Offer(ListSubscription.Resync);
    }

    private async Task DispatchAsync(CancellationToken ct)
    {
        var batch = new List<KeyValuePair<Guid, Change>>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _settings.ReadConcurrency, CancellationToken = ct };
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct))
            {
                _wake.Reader.TryRead(out _);
                batch.Clear();
                foreach (var id in _pending.Keys)
                    if (_pending.TryRemove(id, out var change)) batch.Add(new(id, change));
                // A batch holds each pipeline once and batches run one after another: two reads of one pipeline never
                // race, so a stream never gets an older state after a newer one.
                if (batch.Count == 1) await ProcessAsync(batch[0].Key, batch[0].Value, ct);
                else await Parallel.ForEachAsync(batch, parallel, (item, token) => ProcessAsync(item.Key, item.Value, token));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async ValueTask ProcessAsync(Guid id, Change change, CancellationToken ct)
    {
        var watchers = _topics.TryGetValue(id, out var topic) ? topic.Subscribers : [];
        var lists = Array.FindAll(Volatile.Read(ref _lists), l => l.Owner is null || change.Owners.Contains(l.Owner.Value));
        if (watchers.Length == 0 && lists.Length == 0) return;

        PipelineRow? row;
        List<StageRow> stages;
        try
        {
            (row, stages) = await ReadAsync(_db, id, ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            // The database is unreachable: try again shortly (a lost LISTEN connection resyncs everything anyway).
            LogReadFailed(_logger, id, ex.Message);
            _ = Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => Note(id, change), ct,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return;
        }

        if (watchers.Length > 0) Publish(id, change, row, stages, watchers);
        if (lists.Length > 0) Publish(id, change, row, lists);
    }

    private void Publish(Guid id, Change change, PipelineRow? row, List<StageRow> stages, PipelineSubscription[] watchers)
    {
        PipelineEvent? visible = null, gone = null;
        foreach (var watcher in watchers)
        {
            if (row is not null && (watcher.IsAdmin || row.UserId == watcher.UserId))
                watcher.Offer(visible ??= ForPipeline(change.Resync ? PipelineEvent.Snapshot : PipelineEvent.Update, row, stages));
            else
                watcher.Offer(gone ??= new PipelineEvent(PipelineEvent.Deleted, null, Serialize(new PipelineDeleted(id), _deletedJson), Final: true));
        }
    }

    private void Publish(Guid id, Change change, PipelineRow? row, ListSubscription[] lists)
    {
        PipelineEvent? update = null, deleted = null;
        foreach (var list in lists)
        {
            var inScope = row is not null && (list.Owner is null || row.UserId == list.Owner);
            var wasShown = list.StatusMask == 0 || (change.WasMask & list.StatusMask) != 0;
            if (inScope && (list.StatusMask == 0 || (Bit(row!.Status) & list.StatusMask) != 0 || wasShown))
                list.Offer(update ??= new PipelineEvent(PipelineEvent.Update, null, Serialize(row!.ToSummary(), _summaryJson)));
            else if (!inScope && wasShown && change.Owners.Length > 0)
                list.Offer(deleted ??= new PipelineEvent(PipelineEvent.Deleted, null, Serialize(new PipelineDeleted(id), _deletedJson)));
        }
    }

    /// <summary>The pipeline as GET /{id} answers it, as an event; final when no transition leaves its status.</summary>
    public PipelineEvent ForPipeline(string type, PipelineRow row, List<StageRow> stages) =>
        new(type, row.Version, Serialize(row.ToResponse(stages), _pipelineJson), Final: row.Status is PipelineStatus.Completed or PipelineStatus.Failed or PipelineStatus.Cancelled);

    /// <summary>A list stream's snapshot: the first page as GET /api/pipelines answers it.</summary>
    public PipelineEvent ForList(CursorPage<PipelineSummary> page) => new(PipelineEvent.Snapshot, null, Serialize(page, _pageJson));

    private static byte[] Serialize(object value, JsonTypeInfo typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    // Read as an admin would: each stream's own access was checked when it opened, and is re-judged per event above.
    [Query(PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(PipelineRow?, List<StageRow>)> FindAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, CancellationToken ct);

    private static Task<(PipelineRow?, List<StageRow>)> ReadAsync(NpgsqlDataSource db, Guid id, CancellationToken ct) =>
        FindAsync(db, id, Guid.Empty, true, ct);

    // An outage is expected and says what it is; its stack trace would only be noise (as for the 503s).
    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline LISTEN connection lost ({Reason}); reconnecting in {DelayMs} ms")]
    private static partial void LogListenLost(ILogger logger, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading pipeline {PipelineId} for its event streams failed ({Reason}); retrying")]
    private static partial void LogReadFailed(ILogger logger, Guid pipelineId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed pipeline notification: {Payload}")]
    private static partial void LogBadPayload(ILogger logger, string payload);
}

/// <summary>One stream's interest in one pipeline. Only the newest event waits: a slow client skips states, never lags.</summary>
public sealed class PipelineSubscription(PipelineEventHub hub, Guid pipelineId, Guid userId, bool isAdmin) : IDisposable
{
    private readonly Channel<PipelineEvent> _events = Channel.CreateBounded<PipelineEvent>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public Guid PipelineId => pipelineId;
    public Guid UserId => userId;
    public bool IsAdmin => isAdmin;
    public ChannelReader<PipelineEvent> Events => _events.Reader;

    // One gate for both writers: a heartbeat queued between another writer's check and its write would push out the
    // event (capacity 1, oldest dropped). An event arriving after a heartbeat pushes the heartbeat out instead.
    private readonly Lock _gate = new();

    internal void Offer(PipelineEvent e)
    {
        lock (_gate) _events.Writer.TryWrite(e);
    }

    internal void OfferHeartbeat()
    {
        lock (_gate)
            if (_events.Reader.Count == 0) _events.Writer.TryWrite(PipelineEvent.Heartbeat);
    }

    public void Dispose() => hub.Unsubscribe(this);
}

/// <summary>
/// One list stream's interest. Its events are for many pipelines, so none may be dropped: a client too slow to take
/// <see cref="Capacity"/> of them has its stream ended (it reconnects and starts from a snapshot).
/// </summary>
public sealed class ListSubscription(PipelineEventHub hub, Guid? owner, int statusMask) : IDisposable
{
    public const int Capacity = 1024;

    /// <summary>Queued after a LISTEN reconnect: the stream reads and sends a fresh snapshot.</summary>
    public static readonly PipelineEvent Resync = new(PipelineEvent.Snapshot, null, []);

    private readonly Channel<PipelineEvent> _events = Channel.CreateBounded<PipelineEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public Guid? Owner => owner;
    public int StatusMask => statusMask;
    public ChannelReader<PipelineEvent> Events => _events.Reader;

    internal void Offer(PipelineEvent e)
    {
        if (!_events.Writer.TryWrite(e)) _events.Writer.TryComplete();
    }

    /// <summary>Nothing is dropped here, so a heartbeat needs no gate: it only ever takes a slot of an empty queue.</summary>
    internal void OfferHeartbeat()
    {
        if (_events.Reader.Count == 0) _events.Writer.TryWrite(PipelineEvent.Heartbeat);
    }

    public void Dispose() => hub.Unsubscribe(this);
}
