using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// The management endpoint: Kestrel also listens on Management:Urls (default http://127.0.0.1:9464, the port
/// registered for OpenTelemetry's Prometheus exporter, on loopback so a bare-metal or development run never
/// publishes its metrics; the Dockerfile sets http://+:9464, since a scraper cannot reach a container's loopback and
/// a container's ports are reachable only where the operator publishes them). /metrics answers only on those ports
/// (judged by the connection's local port, which a client cannot forge the way it can a Host header), and those
/// ports answer only /metrics and /health/*. An empty Management:Urls turns the endpoint off.
/// </summary>
public static class Management
{
    public const string ConfigKey = "Management:Urls";
    public const string DefaultUrls = "http://127.0.0.1:9464";
    public const string MetricsPath = "/metrics";

    private sealed record Ports(FrozenSet<int> Values);

    public static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    /// <summary>Adds the management URLs to the ones the API listens on; refuses a port the API also uses.</summary>
    public static WebApplicationBuilder AddAssetForgeManagement(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var management = Split(configuration[ConfigKey] ?? DefaultUrls);
        var ports = PortsOf(configuration);
        if (ports.Contains(0))
            throw new InvalidOperationException($"{ConfigKey} needs fixed ports: /metrics is told apart by the port it arrives on.");
        builder.Services.AddSingleton(new Ports(ports));
        if (management.Length == 0) return builder;

        var api = Split(configuration["urls"] ?? "");
        if (api.Length == 0)
            api = configuration["http_ports"] is { Length: > 0 } httpPorts
                ? httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}").ToArray()
                : ["http://localhost:5000"];
        if (api.Select(PortOf).FirstOrDefault(ports.Contains) is var shared and > 0)
            throw new InvalidOperationException(
                $"{ConfigKey} and the API's URLs share port {shared}: metrics must never be served on the API's port.");
        builder.WebHost.UseUrls([.. api, .. management]);
        return builder;
    }

    /// <summary>First in the pipeline: /metrics on the management port, nothing but operations paths on it.</summary>
    public static WebApplication UseAssetForgeManagement(this WebApplication app)
    {
        var ports = app.Services.GetRequiredService<Ports>().Values;
        if (ports.Count == 0) return app;
        if (app.Services.GetRequiredService<IOptions<TelemetrySettings>>().Value.Enabled)
            app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
                http.Request.Path == MetricsPath && ports.Contains(http.Connection.LocalPort));
        app.Use((http, next) =>
        {
            if (!ports.Contains(http.Connection.LocalPort) || IsOperationsPath(http.Request.Path)) return next(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>The ports Management:Urls names (its default when unset): what tells a management request apart.</summary>
    public static FrozenSet<int> PortsOf(IConfiguration configuration) =>
        Split(configuration[ConfigKey] ?? DefaultUrls).Select(PortOf).ToFrozenSet();

    private static string[] Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // Kestrel's wildcard hosts ("+", "*") are not valid URI hosts: swap one in to read the port.
    private static int PortOf(string url) =>
        new Uri(url.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0")).Port;
}
