using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AssetForge.Tests.Features.Pipelines;

/// <summary>One block of a text/event-stream: an event (with its fields), a comment, or a bare `retry:` hint.</summary>
internal sealed record Sse(string? Event, string? Id, string? Data, string? Comment, int? Retry)
{
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement.Clone();
}

/// <summary>A minimal SSE client over HttpClient, reading block by block with a timeout so a test never hangs.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        Response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response { get; }

    public static async Task<EventStream> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        return new EventStream(response, reader);
    }

    /// <summary>The next block, comments and hints included; null when the server ended the stream.</summary>
    public async Task<Sse?> NextBlockAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        string? type = null, id = null, comment = null;
        int? retry = null;
        StringBuilder? data = null;
        var any = false;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"No server-sent event block within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
            }
            if (line is null) return any ? new Sse(type, id, data?.ToString(), comment, retry) : null;
            if (line.Length == 0)
            {
                if (any) return new Sse(type, id, data?.ToString(), comment, retry);
                continue;
            }
            any = true;
            if (line.StartsWith(':')) { comment = line[1..].Trim(); continue; }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "retry": retry = int.Parse(value); break;
                case "data": (data ??= new StringBuilder()).Append(data.Length > 0 ? "\n" : "").Append(value); break;
            }
        }
    }

    /// <summary>The next event, past heartbeats and hints, within <paramref name="timeout"/> overall; null when the stream ended.</summary>
    public async Task<Sse?> NextEventAsync(TimeSpan? timeout = null)
    {
        // One deadline for the whole wait: heartbeats keep coming, so a per-block timeout would never expire.
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new Xunit.Sdk.XunitException($"No server-sent event within {(timeout ?? DefaultTimeout).TotalSeconds} s (only heartbeats).");
            Sse? block;
            try
            {
                block = await NextBlockAsync(left);
            }
            catch (Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"No server-sent event within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
            }
            if (block is null || block.Data is not null) return block;
        }
    }

    public async Task<Sse> ExpectAsync(string type, TimeSpan? timeout = null)
    {
        var e = await NextEventAsync(timeout) ?? throw new Xunit.Sdk.XunitException($"The stream ended before a '{type}' event.");
        Assert.True(e.Event == type, $"Expected a '{type}' event but got '{e.Event}': {e.Data}");
        return e;
    }

    /// <summary>Asserts the server ends the stream (after, at most, heartbeats).</summary>
    public async Task ExpectEndAsync(TimeSpan? timeout = null)
    {
        var e = await NextEventAsync(timeout);
        Assert.True(e is null, $"Expected the stream to end but got '{e?.Event}': {e?.Data}");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        Response.Dispose();
        await Task.CompletedTask;
    }
}
