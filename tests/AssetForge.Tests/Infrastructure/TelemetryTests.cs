using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AssetForge.Infrastructure.Telemetry;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// Traces, metrics and correlation as an operator sees them: spans in an in-memory exporter, the Prometheus text on
/// the management port, log lines with their scopes. Other test classes run at the same time and their spans reach
/// this exporter too, so every assertion picks its own trace by a traceparent it sent.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed partial class TelemetryTests(TelemetryTests.Factory factory) : IClassFixture<TelemetryTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        public List<Activity> Spans { get; } = [];
        public ScopedLogCapture Logs { get; } = new();
        public OpenTelemetryEvents SdkEvents { get; } = OpenTelemetryEvents.Instance; // listening before the host starts

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            // The in-memory exporter below stands for a collector, which the application cannot see: without an OTLP
            // endpoint it would keep spans propagation-only unless the sampler is named.
            [new("Database:SlowQueryMilliseconds", "150"), new("Pipelines:Events:HeartbeatSeconds", "0.5"), new("OTEL_TRACES_SAMPLER", "always_on")];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s =>
            {
                s.AddProbeEndpoints(MapProbes);
                s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(Spans));
                s.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                s.AddSingleton<ILoggerProvider>(Logs);
            });
        }

        public Activity[] SpansOf(string traceId)
        {
            try
            {
                return Spans.ToArray().Where(a => a.TraceId.ToHexString() == traceId).ToArray();
            }
            catch (ArgumentException)
            {
                return []; // the exporter appended while we copied: the caller polls again
            }
        }
    }

    private static void MapProbes(IEndpointRouteBuilder e)
    {
        e.MapGet("/_probe/throw", IResult () => throw new InvalidOperationException("telemetry probe"));
        e.MapGet("/_probe/fail", IResult () => throw new InvalidOperationException("error.type probe"));
        e.MapGet("/_probe/unavailable", () => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable));
    }

    private static HttpRequestMessage Get(string path, string traceparent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", traceparent);
        return request;
    }

    [Fact]
    public async Task A_request_is_a_server_span_whose_child_npgsql_span_is_named_after_the_generated_query()
    {
        var user = await factory.SignInAsync();
        var (traceparent, traceId, parentSpanId) = Tracing.NewTraceparent();
        await (await user.Client.SendAsync(Get($"/api/pipelines/{Guid.NewGuid()}", traceparent))).AssertStatusAsync(HttpStatusCode.NotFound);

        Activity? server = null, query = null;
        await Arrange.WaitUntilAsync(() =>
        {
            var spans = factory.SpansOf(traceId);
            server = spans.FirstOrDefault(a => a.Kind == ActivityKind.Server);
            query = spans.FirstOrDefault(a => a.Source.Name == "Npgsql" && a.DisplayName == "Pipelines.GetPipeline.FindAsync");
            return Task.FromResult(server is not null && query is not null);
        }, "the request's server span and its query span", seconds: 5);

        Assert.Equal(parentSpanId, server!.ParentSpanId.ToHexString());   // the caller's traceparent was continued
        Assert.Equal("/api/pipelines/{id}", server.GetTagItem("http.route"));
        Assert.Equal(server.SpanId, query!.ParentSpanId);
        Assert.Equal(ActivityKind.Client, query.Kind);
        Assert.Null(query.GetTagItem("db.query.text"));   // SQL text only when Telemetry:RecordSqlText is set
    }

    [Fact]
    public async Task A_traceparent_gives_its_trace_id_to_the_problem_the_log_line_and_the_error_row()
    {
        var (traceparent, traceId, _) = Tracing.NewTraceparent();
        var problem = await (await factory.CreateClient().SendAsync(Get("/_probe/throw", traceparent)))
            .AssertProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Equal(traceId, problem.GetProperty("traceId").GetString());

        var lines = factory.Logs.Lines.Where(l => l.Exception?.Message == "telemetry probe").ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal(traceId, line.Scope.GetValueOrDefault("TraceId")?.ToString());
            Assert.Matches("^[0-9a-f]{16}$", line.Scope.GetValueOrDefault("SpanId")?.ToString());
        });

        await Arrange.WaitUntilAsync(async () => await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM api_errors WHERE request_id = $1", traceId) == 1, "the api_errors row", seconds: 5);
    }

    [Fact]
    public async Task Metrics_are_served_on_the_management_port_only_with_routes_and_our_counters_moving()
    {
        var server = factory.Server;
        var managementPort = new Uri(Management.DefaultUrls).Port;
        var user = await factory.SignInAsync();
        for (var i = 0; i < 3; i++)
            await (await user.Client.GetAsync($"/api/pipelines/{Guid.NewGuid()}")).AssertStatusAsync(HttpStatusCode.NotFound);
        var before = await ScrapeAsync(server, managementPort);

        await (await user.Client.GetAsync($"/api/pipelines/{Guid.NewGuid()}")).AssertStatusAsync(HttpStatusCode.NotFound);
        await (await user.Client.PostAsync("/api/errors", Http.Json("""
            {"endpoint":"/x","method":"GET","message":"m","severity":"warning","category":"network"}
            """))).AssertStatusAsync(HttpStatusCode.Created);
        // Hosting records a request's duration after the response has reached the client, so a scrape right after
        // the answer can precede it: poll rather than race.
        var route = new Regex(@"http_server_request_duration_seconds_bucket\{[^}]*http_route=""/api/pipelines/\{id\}""");
        var after = await ScrapeUntilAsync(server, managementPort, route.IsMatch);

        Assert.True(route.IsMatch(after), after);
        // The view that bounds series keeps the framework's advised buckets (seconds), not the SDK's default ones.
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*le=""0.005""", after);
        Assert.True(Value(after, "assetforge_auth_token_cache_lookups_total", @"result=""hit""") >
                    Value(before, "assetforge_auth_token_cache_lookups_total", @"result=""hit"""));
        Assert.True(Value(after, "assetforge_errors_reported_total", @"category=""network"",severity=""warning""") >=
                    Value(before, "assetforge_errors_reported_total", @"category=""network"",severity=""warning""") + 1);
        Assert.Contains("db_client_operation_duration_seconds", after);   // Npgsql's own metrics
        Assert.Contains("db_client_connection_count", after);
        // Pools are labelled by name, not by their connection string (host, user and options on every series).
        Assert.Matches(@"db_client_operation_duration_seconds_count\{[^}]*db_client_connection_pool_name=""assetforge""", after);
        // (The test's own data sources share Npgsql's static meter and keep their connection strings as names.)
        Assert.DoesNotContain("Application Name=assetforge", after);
        // Recorded per request or command and read by no dashboard: not collected (README lists what is).
        foreach (var unread in new[] { "aspnetcore_memory_pool", "aspnetcore_routing_match_attempts", "aspnetcore_authentication_authenticate_duration",
                     "aspnetcore_rate_limiting_request_lease_duration", "db_client_operation_npgsql_bytes", "db_client_operation_npgsql_executing" })
            Assert.DoesNotContain(unread, after);

        // The API's port never serves /metrics, and the management port serves nothing but operations paths.
        Assert.Equal(404, (await Tracing.GetOnPortAsync(server, "/metrics", 8080)).Response.StatusCode);
        Assert.Equal(404, (await Tracing.GetOnPortAsync(server, "/api/me", managementPort)).Response.StatusCode);
        Assert.Equal(200, (await Tracing.GetOnPortAsync(server, "/health/live", managementPort)).Response.StatusCode);
    }

    [Fact]
    public async Task A_server_error_answer_labels_its_request_duration_with_an_error_type_once()
    {
        var server = factory.Server;
        var managementPort = new Uri(Management.DefaultUrls).Port;
        // Every 5xx carries its status code, as the semantic conventions ask: a 503 written without an exception, and a
        // 500 whose exception our handler turned into a problem (handled, so ASP.NET Core adds no exception type).
        await (await factory.CreateClient().GetAsync("/_probe/unavailable")).AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
        await (await factory.CreateClient().GetAsync("/_probe/fail")).AssertStatusAsync(HttpStatusCode.InternalServerError);

        var unavailable = new Regex(@"http_server_request_duration_seconds_count\{([^}]*http_route=""/_probe/unavailable""[^}]*)\}");
        var thrown = new Regex(@"http_server_request_duration_seconds_count\{([^}]*http_route=""/_probe/fail""[^}]*)\}");
        var text = await ScrapeUntilAsync(server, managementPort, t => unavailable.IsMatch(t) && thrown.IsMatch(t));

        Assert.Contains(@"error_type=""503""", unavailable.Match(text).Groups[1].Value);
        var thrownLabels = thrown.Match(text).Groups[1].Value;
        Assert.Contains(@"error_type=""500""", thrownLabels);
        Assert.Single(Regex.Matches(thrownLabels, "error_type="));
    }

    [Fact]
    public async Task A_slow_statement_is_a_warning_naming_its_query_duration_and_route_but_no_parameter_value_and_is_counted()
    {
        var managementPort = new Uri(Management.DefaultUrls).Port;
        var user = await factory.SignInAsync();
        var created = await AssetForge.Tests.Features.Pipelines.PipelineKit.CreateAsync(user);

        // A row lock held elsewhere keeps the route's own UPDATE waiting in PostgreSQL for 300 ms.
        var patch = await AssetForge.Tests.Features.Pipelines.PipelineKit.RaceAsync(factory.Db, created.Id,
            [() => user.PatchAsync($"/api/pipelines/{created.Id}/status", """{"status":"processing"}""")],
            keepQueued: TimeSpan.FromMilliseconds(300));
        await Assert.Single(patch).AssertStatusAsync(HttpStatusCode.OK);

        var line = factory.Logs.Lines.Single(l => l.Message.StartsWith("Slow query", StringComparison.Ordinal) && l.Message.Contains("/status"));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Matches(@"^Slow query Pipelines\.UpdatePipelineStatus\.UpdateAsync: \d+(\.\d)? ms on /api/pipelines/\{id\}/status \(threshold 150 ms\)$", line.Message);
        Assert.True(double.Parse(Regex.Match(line.Message, @": (\d+(\.\d)?) ms").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 300);
        Assert.DoesNotContain(created.Id.ToString(), line.Message);
        Assert.Matches(@"(?m)^assetforge_db_slow_queries_total\{[^}]*query=""Pipelines\.UpdatePipelineStatus\.UpdateAsync""[^}]*\} [1-9]",
            await ScrapeAsync(factory.Server, managementPort));
    }

    [Fact]
    public async Task Open_event_streams_are_a_gauge_that_rises_while_a_stream_is_open_and_falls_when_it_ends()
    {
        var managementPort = new Uri(Management.DefaultUrls).Port;
        var user = await factory.SignInAsync();
        var created = await AssetForge.Tests.Features.Pipelines.PipelineKit.CreateAsync(user);
        const string gauge = "assetforge_pipelines_event_streams_open";

        double open;
        await using (var stream = await AssetForge.Tests.Features.Pipelines.EventStream.OpenAsync(user.Client, $"/api/pipelines/{created.Id}/events"))
        {
            await stream.ExpectAsync("snapshot");
            open = Gauge(await ScrapeAsync(factory.Server, managementPort), gauge);
            Assert.True(open >= 1, $"{gauge} = {open} while a stream is open");
        }

        // The server notices the client left on its next write (a heartbeat at the latest), so poll.
        await Arrange.WaitUntilAsync(async () => Gauge(await ScrapeAsync(factory.Server, managementPort), gauge) < open,
            "the gauge to fall once the stream ended", seconds: 5);
    }

    [Fact]
    public async Task A_metric_keeps_a_bounded_number_of_series_folding_the_rest_into_the_overflow_series()
    {
        var managementPort = new Uri(Management.DefaultUrls).Port;
        var server = factory.Server; // the host (and its meter listener) must exist before anything is recorded
        // A meter of our name (so the host collects it) with an instrument of its own: the real ones stay untouched.
        using var meter = new System.Diagnostics.Metrics.Meter(AppMetrics.MeterName);
        var counter = meter.CreateCounter<long>("assetforge.test.series");
        for (var i = 0; i < TelemetrySetup.SeriesPerMetric + 50; i++) counter.Add(1, new KeyValuePair<string, object?>("n", i));

        // A scrape is cached for a moment (and collection may trail the instrument's creation): poll.
        static IEnumerable<string> Series(string text) =>
            text.Split('\n').Where(l => l.StartsWith("assetforge_test_series_total{", StringComparison.Ordinal));
        var series = Series(await ScrapeUntilAsync(server, managementPort, t => Series(t).Any())).ToList();
        Assert.InRange(series.Count, 2, TelemetrySetup.SeriesPerMetric + 1);
        var overflow = Assert.Single(series, l => l.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
        Assert.True(double.Parse(overflow[(overflow.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 50);
    }

    private static async Task<string> ScrapeAsync(Microsoft.AspNetCore.TestHost.TestServer server, int port)
    {
        var http = await Tracing.GetOnPortAsync(server, "/metrics", port);
        Assert.True(http.Response.StatusCode == 200, $"/metrics answered {http.Response.StatusCode}; OpenTelemetry said:\n{OpenTelemetryEvents.Instance.Text}");
        return await http.BodyAsync();
    }

    /// <summary>
    /// Scrapes until <paramref name="done"/> holds or 5 s have passed, and returns the last text: hosting records a
    /// request after its answer reached the client, and a collection may trail an instrument's first use.
    /// </summary>
    private static async Task<string> ScrapeUntilAsync(Microsoft.AspNetCore.TestHost.TestServer server, int port, Func<string, bool> done)
    {
        var text = await ScrapeAsync(server, port);
        for (var i = 0; i < 50 && !done(text); i++)
        {
            await Task.Delay(100);
            text = await ScrapeAsync(server, port);
        }
        return text;
    }

    /// <summary>The sum of a series' samples, with or without labels (0 when absent).</summary>
    private static double Gauge(string text, string metric) =>
        text.Split('\n')
            .Where(l => l.StartsWith(metric + " ", StringComparison.Ordinal) || l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1 is > 0 and var after ? after : metric.Length)..].Trim().Split(' ')[0],
                System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Sum of a Prometheus series' samples whose labels contain <paramref name="labels"/> (0 when absent).</summary>
    private static double Value(string text, string metric, string labels) =>
        text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The standard variables name the service and add attributes; without them it is assetforge-api.</summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class TelemetryResourceTests(TelemetryResourceTests.Factory factory) : IClassFixture<TelemetryResourceTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("OTEL_SERVICE_NAME", "assets-eu"), new("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test,team=assets")];
    }

    [Fact]
    public void OTEL_SERVICE_NAME_and_OTEL_RESOURCE_ATTRIBUTES_win_over_the_default_name()
    {
        var attributes = factory.Services.GetRequiredService<MeterProvider>().GetResource().Attributes
            .ToDictionary(a => a.Key, a => a.Value?.ToString());
        Assert.Equal("assets-eu", attributes["service.name"]);
        Assert.Equal("test", attributes["deployment.environment"]);
        Assert.Equal("assets", attributes["team"]);
    }

    [Fact]
    public async Task Without_an_exporter_no_span_is_recorded_and_the_trace_id_still_reaches_the_problem()
    {
        var (header, traceId, _) = Tracing.NewTraceparent();
        var ended = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None, // leaves the decision to the SDK
            ActivityStopped = activity => { if (activity.TraceId.ToHexString() == traceId) ended.Enqueue(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        var user = await factory.SignInAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/pipelines/{Guid.NewGuid()}");
        request.Headers.Add("traceparent", header);
        var problem = await (await user.Client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(traceId, problem.GetProperty("traceId").GetString());
        // Nothing recorded: no timing or tags kept. The query's activity would have ended before the answer was sent,
        // and there is none: with nobody sampling Npgsql's source, it skips the activity (and the SQL text it carries).
        Assert.All(ended, a => Assert.False(a.IsAllDataRequested || a.TagObjects.Any(), $"{a.Source.Name} span {a.DisplayName} was recorded"));
        Assert.DoesNotContain(ended, a => a.Source.Name == "Npgsql");
    }

    [Fact]
    public async Task Without_an_exporter_nothing_subscribes_to_hostings_per_request_diagnostic_events()
    {
        // Each subscriber makes hosting write two events per request and run the subscriber's callbacks.
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(factory.Services.GetRequiredService<DiagnosticListener>().IsEnabled(), "hosting's DiagnosticListener has a subscriber");
        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Without_them_the_service_is_assetforge_api()
    {
        var plain = new ApiFactory();
        await plain.InitializeAsync();
        try
        {
            var attributes = plain.Services.GetRequiredService<MeterProvider>().GetResource().Attributes
                .ToDictionary(a => a.Key, a => a.Value?.ToString());
            Assert.Equal(TelemetrySetup.DefaultServiceName, attributes["service.name"]);
        }
        finally
        {
            await ((IAsyncLifetime)plain).DisposeAsync();
        }
    }
}
