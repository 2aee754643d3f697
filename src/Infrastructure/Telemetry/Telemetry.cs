using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core, Kestrel, outgoing HTTP (the JWKS refresh), Npgsql, the runtime and
/// <see cref="AppMetrics"/>. Metrics are scraped from /metrics on the management endpoint (<see cref="Management"/>);
/// traces, metrics and logs go to an OTLP collector only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Telemetry:Enabled=false
/// leaves all of it out (the benchmark's "off"); the slow-query log is independent of it.
/// </summary>
public static class TelemetrySetup
{
    public const string DefaultServiceName = "assetforge-api";

    public static WebApplicationBuilder AddAssetForgeTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Decides what is registered, so it is bound here, with the same binding (and errors) as the options.
        var settings = configuration.GetSection(TelemetrySettings.Section).Get<TelemetrySettings>() ?? new();
        services.AddHttpContextAccessor();
        services.AddHostedService(sp => sp.GetRequiredService<SlowQueryLog>());
        services.AddSingleton<SlowQueryLog>();
        if (!settings.Enabled) return builder;

        var exporting = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                // Our name first, then the environment's detectors: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
                .Clear()
                .AddService(DefaultServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString())
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector());
        if (RecordsSpans(exporting, configuration["OTEL_TRACES_SAMPLER"]))
        {
            otel.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Probes and scrapes every few seconds would drown the requests worth following.
                    o.Filter = http => !Management.IsOperationsPath(http.Request.Path);
                    o.RecordException = true;
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }
        otel.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()   // Microsoft.AspNetCore.Hosting, Kestrel, routing, rate limiting
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(AppMetrics.MeterName)
                .ConfigureStreams()
                .AddPrometheusExporter());

        if (exporting)
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, _TIMEOUT and the per-signal variants.
            otel.WithLogging().UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// Instruments the framework and Npgsql record on every request or command that no dashboard of ours reads: each
    /// measurement costs a tag lookup and an aggregation (metrics were most of telemetry's cost in a get-pipeline
    /// profile), so they are not collected. README lists what is.
    /// </summary>
    private static readonly HashSet<string> Unread =
    [
        "aspnetcore.routing.match_attempts", "aspnetcore.authentication.authenticate.duration",
        "aspnetcore.authorization.attempts", "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.active_request_leases", "aspnetcore.memory_pool.rented",
        "aspnetcore.memory_pool.allocated", "aspnetcore.memory_pool.pooled", "aspnetcore.memory_pool.evicted",
        "db.client.operation.npgsql.bytes_written", "db.client.operation.npgsql.bytes_read",
        "db.client.operation.npgsql.executing",
    ];

    /// <summary>
    /// Series kept per metric. The SDK's default (2,000) allocates every metric's points up front: ~57 metrics held
    /// 8 MB of the idle process's heap. Ours and the framework's have tens of label combinations at most; request
    /// durations have one per route, method and status, hence more room. Past a limit, points fold into one series
    /// labelled otel_metric_overflow="true" rather than being lost.
    /// </summary>
    public const int SeriesPerMetric = 200, SeriesPerRequestMetric = 1000;

    /// <summary>One view for every instrument: a view per rule would give an instrument matched twice two streams.</summary>
    private static MeterProviderBuilder ConfigureStreams(this MeterProviderBuilder metrics) =>
        metrics.AddView(instrument => Unread.Contains(instrument.Name)
            ? MetricStreamConfiguration.Drop
            : new MetricStreamConfiguration
            {
                CardinalityLimit = instrument.Name is "http.server.request.duration" ? SeriesPerRequestMetric : SeriesPerMetric,
            });

    /// <summary>
    /// Without an exporter nobody receives spans, so no tracer provider is built, unless OTEL_TRACES_SAMPLER asks for
    /// one (an in-process exporter, say). Hosting still starts an <c>Activity</c> per request for the log scopes,
    /// continuing an incoming traceparent, so trace ids reach problems, logs and outgoing calls all the same; what the
    /// provider would add is hosting's DiagnosticListener events and the instrumentations' callbacks on every request,
    /// ~1 % of a get-pipeline request's CPU in a profile, for spans it would then drop.
    /// </summary>
    private static bool RecordsSpans(bool exporting, string? sampler) => exporting || !string.IsNullOrWhiteSpace(sampler);

    /// <summary>
    /// One span per command, named after the generated query it runs; the SQL text (db.query.text) only when
    /// Telemetry:RecordSqlText is true: the statements are constants, but a collector is not the place to learn the schema.
    /// </summary>
    public static void ConfigureTracing(NpgsqlSlimDataSourceBuilder builder, TelemetrySettings settings)
    {
        var recordSql = settings.RecordSqlText;
        builder.ConfigureTracing(tracing =>
        {
            tracing.ConfigureCommandSpanNameProvider(QueryNames.Of)
                .ConfigureBatchSpanNameProvider(QueryNames.Of)
                .EnableFirstResponseEvent(false);
            if (!recordSql)
            {
                tracing.ConfigureCommandEnrichmentCallback(static (activity, _) => activity.SetTag("db.query.text", null))
                    .ConfigureBatchEnrichmentCallback(static (activity, _) => activity.SetTag("db.query.text", null));
            }
        });
    }
}
