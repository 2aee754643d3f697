using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Infrastructure.Http;

public sealed record HealthReport(string Status);

/// <summary>Liveness says the process serves requests; readiness that PostgreSQL answers and every shipped migration is applied.</summary>
public static class Health
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live")))
            .WithSummary("Liveness: the process is serving requests.");
        group.MapGet("/ready", ReadyAsync)
            .WithSummary("Readiness: the database answers and all migrations are applied.");
        return app;
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> ReadyAsync(
        NpgsqlDataSource db, DatabaseOutage outage, ShutdownDrain drain, HttpResponse response, CancellationToken ct)
    {
        if (drain.IsDraining) return Problems.Status(503, "The instance is shutting down.", "Not ready");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            var applied = await Migrations.AppliedVersionsAsync(db, timeout.Token);
            outage.Succeeded();
            var missing = Migrations.ExpectedVersions.Except(applied).ToList();
            return missing.Count == 0
                ? TypedResults.Ok(new HealthReport("ready"))
                : Problems.Status(503, $"Migrations not applied: {string.Join(", ", missing)}.", "Not ready");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(503, "The database is unreachable or not migrated.", "Not ready");
        }
    }
}
