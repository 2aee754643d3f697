using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssetForge.Features.Pipelines;

/// <summary>What the two event-stream routes share: limits, the stream's lifetime, heartbeats and the `retry:` hint.</summary>
internal static class PipelineEventStreams
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    /// <summary>429 with Retry-After: the caller, or the whole process, has as many streams open as it may.</summary>
    public static ProblemHttpResult TooMany(HttpResponse response, PipelineEventSettings settings)
    {
        response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Status(StatusCodes.Status429TooManyRequests,
            $"Too many event streams are open (at most {settings.MaxStreamsPerUser} per caller); close one or retry in {settings.RetryAfterSeconds} s.",
            "Too many requests");
    }

    /// <summary>
    /// Ends the stream when the client goes, the server stops, or the caller's token expires (a stream must not outlive
    /// the authority it was opened with). Disposed with the request.
    /// </summary>
    public static CancellationToken StopToken(HttpContext http)
    {
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        if (long.TryParse(http.User.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp))
        {
            var left = DateTimeOffset.FromUnixTimeSeconds(exp) - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero) cts.Cancel();
            else cts.CancelAfter(left);
        }
        http.Response.RegisterForDispose(cts);
        return cts.Token;
    }

    /// <summary>Proxies (nginx and its kin) must pass each event on at once rather than buffer the response.</summary>
    public static void DisableProxyBuffering(HttpResponse response) => response.Headers["X-Accel-Buffering"] = "no";

    /// <summary>
    /// The `retry:` hint, written first so the response (and its headers) reach the client at once, even when the
    /// first event is not due yet. Runs inside the event enumeration, so it never interleaves with the formatter.
    /// </summary>
    public static async Task<bool> StartAsync(HttpResponse response, PipelineEventSettings settings, CancellationToken ct)
    {
        var hint = Encoding.ASCII.GetBytes($"retry: {(long)settings.Retry.TotalMilliseconds}\n\n");
        try
        {
            await response.Body.WriteAsync(hint, ct);
            await response.Body.FlushAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>The next event, writing a comment for each heartbeat the hub queued meanwhile; null when the stream ends.</summary>
    public static async Task<PipelineEvent?> NextAsync(ChannelReader<PipelineEvent> events, HttpResponse response, CancellationToken ct)
    {
        try
        {
            while (await events.WaitToReadAsync(ct))
            {
                while (events.TryRead(out var next))
                {
                    if (!ReferenceEquals(next, PipelineEvent.Heartbeat)) return next;
                    await response.Body.WriteAsync(Heartbeat, ct);
                    await response.Body.FlushAsync(ct);
                }
            }
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException)
        {
            return null; // the client went away mid-heartbeat
        }
    }

    public static SseItem<byte[]> Item(PipelineEvent e) =>
        new(e.Data, e.Type) { EventId = e.EventId };
}
