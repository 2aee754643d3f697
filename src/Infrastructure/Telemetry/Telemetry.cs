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

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                // Our name first, then the environment's detectors: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
                .Clear()
                .AddService(DefaultServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString())
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Probes and scrapes every few seconds would drown the requests worth following.
                    o.Filter = http => !Management.IsOperationsPath(http.Request.Path);
                    o.RecordException = true;
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()   // Microsoft.AspNetCore.Hosting, Kestrel, routing, rate limiting
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(AppMetrics.MeterName)
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, _TIMEOUT and the per-signal variants.
            otel.WithLogging().UseOtlpExporter();
        }
        return builder;
    }

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
