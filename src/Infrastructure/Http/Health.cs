using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AssetForge.Infrastructure.Http;

/// <summary>What a health endpoint answers: the verdict and each check that ran, so a 503 says which one failed.</summary>
/// <param name="Status">`live`/`ready` when healthy, `unhealthy` otherwise.</param>
/// <param name="Checks">Each check that ran (none for liveness).</param>
public sealed record HealthBody(string Status, IReadOnlyList<HealthCheckBody> Checks);

/// <summary>One health check's outcome.</summary>
/// <param name="Name">The check.</param>
/// <param name="Status">`healthy` or `unhealthy`.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Description">Why it failed; null when healthy.</param>
public sealed record HealthCheckBody(string Name, string Status, double DurationMs, string? Description);

/// <summary>
/// Liveness says the process serves requests and runs no check (a slow database must not get the process restarted);
/// readiness runs the "ready" checks: PostgreSQL answers, and every migration shipped with this build is applied.
/// Each database check has its own timeout, so a hung connection is a 503 within seconds, not a hung probe. A 503 is a
/// problem (with Retry-After) whose detail and "checks" extension name the failing check; a draining instance is not
/// ready whatever the checks say.
/// </summary>
public static partial class Health
{
    public const string ReadyTag = "ready";
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddAssetForgeHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<MigrationsCheck>("migrations", tags: [ReadyTag], timeout: CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/live", () => TypedResults.Ok(new HealthBody("live", [])))
            .WithExample(null, """{"status":"live","checks":[]}""")
            .WithDescription("For the orchestrator's liveness probe: 200 while the process serves requests. It runs no check, so a slow database never gets the process restarted.")
            .WithName("GetLiveness").WithSummary("Liveness: the process is serving requests (no check touches the database).");
        group.MapGet("/ready", ReadyAsync)
            .WithExample(null, """{"status":"ready","checks":[{"name":"database","status":"healthy","durationMs":1.84,"description":null},{"name":"migrations","status":"healthy","durationMs":0.92,"description":null}]}""")
            .WithDescription("For the load balancer's readiness probe: 200 when PostgreSQL answers within 3 s and every migration of this build is applied; otherwise (or while the migrations are still being applied at start-up, or while the process drains at shutdown) a 503 problem naming the failing check.")
            .WithName("GetReadiness").WithSummary("Readiness: the database answers and all migrations are applied; a 503 problem names the failing check.");
        return app;
    }

    private static async Task<Results<Ok<HealthBody>, ProblemHttpResult>> ReadyAsync(
        HealthCheckService checks, DatabaseOutage outage, ShutdownDrain drain, SchemaMigration schema, HttpResponse response, CancellationToken ct)
    {
        if (drain.IsDraining) return Problems.Status(503, "The instance is shutting down.", "Not ready");
        if (!schema.IsApplied) return MigrationStartup.NotMigratedYet(response, "Not ready");
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(ReadyTag), ct);
        var entries = report.Entries
            .Select(e => new HealthCheckBody(e.Key, Label(e.Value.Status), Math.Round(e.Value.Duration.TotalMilliseconds, 1), e.Value.Description))
            .ToList();
        if (report.Entries.TryGetValue("database", out var database) && database.Status == HealthStatus.Healthy) outage.Succeeded();
        if (report.Status == HealthStatus.Healthy) return TypedResults.Ok(new HealthBody("ready", entries));

        response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var failing = entries.Where(e => e.Status != "healthy").Select(e => $"{e.Name} ({e.Description})");
        return TypedResults.Problem(
            detail: $"Failing: {string.Join("; ", failing)}.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready",
            extensions: new Dictionary<string, object?> { ["checks"] = entries });
    }

    private static string Label(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    [Query("SELECT 1")]
    private static partial Task<int> PingAsync(NpgsqlDataSource db, CancellationToken ct);

    private sealed class DatabaseCheck(NpgsqlDataSource db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                // WaitAsync: Npgsql does not abandon every stage of opening a connection when cancelled (a server
                // that accepts and never answers holds it until the connection Timeout), so the check stops waiting
                // itself and the health service reports the timeout.
                await PingAsync(db, ct).WaitAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The reason stays in the logs: this body is served anonymously.
                return HealthCheckResult.Unhealthy("The database does not answer.", e);
            }
        }
    }

    private sealed class MigrationsCheck(NpgsqlDataSource db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                var applied = await Migrations.AppliedVersionsAsync(db, ct).WaitAsync(ct);
                var missing = Migrations.ExpectedVersions.Except(applied).ToList();
                return missing.Count == 0
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", missing)}.");
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The applied migrations cannot be read.", e);
            }
        }
    }
}
