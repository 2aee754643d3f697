namespace AssetForge.Features.Errors;

/// <summary>
/// Who sent a request, as the server saw it (never as a body claims it). The address is the connection's peer
/// after UseForwardedHeaders, which believes X-Forwarded-For only from ForwardedHeaders:KnownProxies/KnownNetworks.
/// </summary>
internal static class RequestOrigin
{
    public static string? IpAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var text = address.ToString();
        var zone = text.IndexOf('%'); // an IPv6 zone id names the server's interface, not the client
        return Redaction.Truncate(zone < 0 ? text : text[..zone], 45);
    }

    public static string? UserAgent(HttpContext http) =>
        http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? StoredText.Clean(Redaction.Truncate(agent, 512)) : null;
}
