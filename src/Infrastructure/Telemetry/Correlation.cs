using System.Diagnostics;

namespace AssetForge.Infrastructure.Telemetry;

public static class Correlation
{
    /// <summary>
    /// The id a client quotes: the W3C trace id of the request's trace (continued from its traceparent, if any), so the
    /// problem body, the log lines, the api_errors row and the collector's trace all share it.
    /// </summary>
    public static string TraceId(HttpContext http) =>
        Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : http.TraceIdentifier;
}
