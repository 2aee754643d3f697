namespace AssetForge.Infrastructure;

public static class Logging
{
    /// <summary>
    /// JSON lines on stdout (one structured object per event) unless Logging:Format is "text";
    /// Development defaults to readable single-line text.
    /// </summary>
    public static WebApplicationBuilder AddAssetForgeLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"] ?? (builder.Environment.IsDevelopment() ? "text" : "json");
        // Logging is set up before any options exist, so this one key is checked here, by the same rule.
        if (!format.Equals("json", StringComparison.OrdinalIgnoreCase) && !format.Equals("text", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Logging:Format must be json or text, not '{format}'.");
        builder.Logging.ClearProviders();
        // The health service logs every unhealthy probe as an Error (every few seconds per probe during an outage);
        // the 503's body names the failing check and DatabaseOutage logs the outage once.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        // Every line carries the current trace and span ids (as scope values), so a log line leads to its trace.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (format.Equals("json", StringComparison.OrdinalIgnoreCase))
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.IncludeScopes = true;
            });
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        return builder;
    }
}
