using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines/{id}/events (text/event-stream): `snapshot` (the pipeline as GET /{id} answers it), then an
/// `update` with the whole pipeline after each change by anyone; on a final status that event is the last and the
/// stream ends; `deleted` (and the end) when the pipeline goes. Each event's id is the pipeline's version (its ETag):
/// a reconnect with Last-Event-ID gets the current state at once as an `update` if it moved since, else nothing until
/// it moves, and 204 (which tells EventSource to stop reconnecting) when that version was already final.
/// </summary>
public static partial class StreamPipelineEvents
{
    /// <remarks>A server-sent event stream for one pipeline: a `snapshot` first, then an `update` after each change by anyone, until a final status (then the stream ends) or its deletion. Reconnect with Last-Event-ID to get only what moved since. 204 when the pipeline is already final and Last-Event-ID is current.</remarks>
    public static async Task<Results<ServerSentEventsResult<byte[]>, NoContent, ProblemHttpResult>> HandleAsync(
        Guid id, CurrentUser user, NpgsqlDataSource db, PipelineEventHub hub, HttpContext http, CancellationToken ct)
    {
        var slot = hub.TryOpen(user.Id);
        if (slot is null) return PipelineEventStreams.TooMany(http.Response, hub.Settings);
        // Subscribed before the read, so a change committed in between is not missed (its event repeats a version
        // the snapshot already has, and is skipped).
        var subscription = hub.Subscribe(id, user.Id, user.IsAdmin);
        try
        {
            var (row, stages) = await FindAsync(db, id, user.Id, user.IsAdmin, ct);
            // A problem result, unlike NotFound(), is problem+json whatever the Accept (EventSource asks for text/event-stream).
            if (row is null) return Close(Problems.Status(StatusCodes.Status404NotFound, $"No pipeline {id} is visible to you."), subscription, slot);

            var seen = uint.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v : (uint?)null;
            var current = hub.ForPipeline(seen is null ? PipelineEvent.Snapshot : PipelineEvent.Update, row, stages);
            if (seen == row.Version && current.Final) return Close(TypedResults.NoContent(), subscription, slot);

            http.Response.RegisterForDispose(slot);
            http.Response.RegisterForDispose(subscription);
            PipelineEventStreams.DisableProxyBuffering(http.Response);
            var first = seen == row.Version ? null : current;
            return TypedResults.ServerSentEvents(Events(first, row.Version, subscription, http.Response, hub.Settings,
                PipelineEventStreams.StopToken(http)));
        }
        catch
        {
            Close(0, subscription, slot);
            throw;
        }
    }

    private static T Close<T>(T result, PipelineSubscription subscription, IDisposable slot)
    {
        subscription.Dispose();
        slot.Dispose();
        return result;
    }

    private static async IAsyncEnumerable<SseItem<byte[]>> Events(PipelineEvent? first, uint version,
        PipelineSubscription subscription, HttpResponse response, PipelineEventSettings settings,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!await PipelineEventStreams.StartAsync(response, settings, ct)) yield break;
        if (first is not null)
        {
            yield return PipelineEventStreams.Item(first);
            if (first.Final) yield break;
        }
        while (await PipelineEventStreams.NextAsync(subscription.Events, response, ct) is { } next)
        {
            // An update naming the version the client has is the echo of a change it already got.
            if (next.Type == PipelineEvent.Update && next.Version == version) continue;
            yield return PipelineEventStreams.Item(next);
            if (next.Final) yield break;
            version = next.Version ?? version;
        }
    }

    [Query(PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(PipelineRow?, List<StageRow>)> FindAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, CancellationToken ct);
}
