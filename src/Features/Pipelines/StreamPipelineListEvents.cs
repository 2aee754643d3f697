using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines/events?status=&amp;userId= (text/event-stream), for dashboards: the changes to the caller's
/// pipelines (admin: everyone's, or one user's with userId), optionally only those in the given statuses. First a
/// `snapshot`, the first page exactly as GET /api/pipelines with the same filters answers it; then `update` with the
/// list item of each pipeline that changes (also the change that takes it out of the statuses asked for, so it can be
/// dropped), `deleted` with the id of each one that goes; after the server lost its database notifications, a fresh
/// `snapshot`. Events carry no id: a reconnect starts from a snapshot.
/// </summary>
public static class StreamPipelineListEvents
{
    /// <remarks>A server-sent event stream for dashboards: a `snapshot` of the first list page, then an `update` or `deleted` event for each change to a pipeline in scope (the caller's; admins everyone's or one userId's), optionally only some statuses.</remarks>
    public static async Task<Results<ServerSentEventsResult<byte[]>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        [FromQuery] string[]? status, Guid? userId, CurrentUser user, NpgsqlDataSource db, CursorCodec codec, PipelineEventHub hub,
        HttpContext http, CancellationToken ct)
    {
        if (userId is { } other && !user.MayAccess(other))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may watch another user's pipelines.");
        if (ListPipelines.ParseStatuses(status) is not { } filter) return ListPipelines.InvalidStatus(status!);
        var owner = user.IsAdmin ? userId : user.Id;

        var slot = hub.TryOpen(user.Id);
        if (slot is null) return PipelineEventStreams.TooMany(http.Response, hub.Settings);
        var subscription = hub.SubscribeList(owner, filter);
        http.Response.RegisterForDispose(slot);
        http.Response.RegisterForDispose(subscription);
        Task<PipelineEvent> SnapshotAsync(CancellationToken token) => ReadSnapshotAsync(db, owner, filter, codec, hub, token);
        var first = await SnapshotAsync(ct);

        PipelineEventStreams.DisableProxyBuffering(http.Response);
        return TypedResults.ServerSentEvents(Events(first, SnapshotAsync, subscription, http.Response, hub.Settings,
            PipelineEventStreams.StopToken(http)));
    }

    private static async Task<PipelineEvent> ReadSnapshotAsync(NpgsqlDataSource db, Guid? owner, PipelineStatus[] filter,
        CursorCodec codec, PipelineEventHub hub, CancellationToken ct) =>
        hub.ForList(await ListPipelines.FirstPageAsync(db, owner, filter, codec, ct));

    private static async IAsyncEnumerable<SseItem<byte[]>> Events(PipelineEvent first,
        Func<CancellationToken, Task<PipelineEvent>> snapshot, ListSubscription subscription, HttpResponse response,
        PipelineEventSettings settings, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!await PipelineEventStreams.StartAsync(response, settings, ct)) yield break;
        yield return PipelineEventStreams.Item(first);
        while (await PipelineEventStreams.NextAsync(subscription.Events, response, ct) is { } next)
        {
            var e = ReferenceEquals(next, ListSubscription.Resync) ? await TryAsync(snapshot, ct) : next;
            if (e is null) yield break; // the database is gone too: the client reconnects and starts over
            yield return PipelineEventStreams.Item(e);
        }
    }

    private static async Task<PipelineEvent?> TryAsync(Func<CancellationToken, Task<PipelineEvent>> read, CancellationToken ct)
    {
        try
        {
            return await read(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }
}
