using System.Net.Sockets;
using AssetForge.Infrastructure.Http;
using EvolveDb;
using EvolveDb.Dialect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Infrastructure.Data;

/// <summary>
/// Applies db/migrations (shipped next to the binary) with Evolve. Cluster mode makes replicas that start
/// together wait on Evolve's advisory lock instead of racing; a changed, already-applied script stops start-up.
/// </summary>
public static partial class Migrations
{
    public const string MetadataTable = "assetforge_changelog";

    public static string Location { get; } = Path.Combine(AppContext.BaseDirectory, "db", "migrations");

    /// <summary>Versions of the migration files shipped with this build ("1", "2", …).</summary>
    public static IReadOnlyList<string> ExpectedVersions { get; } = ReadExpectedVersions();

    private static readonly string ExpectedVersionList = string.Join(", ", ExpectedVersions);

    public static void Apply(string connectionString, ILogger logger)
    {
        using var dataSource = SideSource(connectionString);
        Apply(dataSource, logger);
    }

    /// <summary>
    /// The data source start-up waits for the database on and then migrates through, so that Evolve is handed the
    /// physical connection the wait just opened (pooled) instead of opening another. A separate, short-lived one: the
    /// application's own must load type information (our enums) only after the migrations have created it, and Evolve
    /// reads and writes only built-in types, so no catalogue of the database's types is loaded for it.
    /// </summary>
    public static NpgsqlDataSource SideSource(string connectionString) =>
        new NpgsqlSlimDataSourceBuilder(connectionString) { Name = Database.SideSourceName("migrations") }
            .WithoutTypeLoading().Build();

    public static void Apply(NpgsqlDataSource dataSource, ILogger logger)
    {
        using var connection = dataSource.CreateConnection();
        var evolve = new Evolve(connection, message => LogEvolve(logger, message), DBMS.PostgreSQL)
        {
            Locations = [Location],
            MetadataTableName = MetadataTable,
            EnableClusterMode = true,
            IsEraseDisabled = true,
            MustEraseOnValidationError = false,
        };
        try
        {
            evolve.Migrate();
        }
        catch (EvolveValidationException e)
        {
            throw new MigrationException(
                $"The database's applied migrations do not match the scripts in {Location}: {e.Message} " +
                "An applied migration must never be edited: restore the original script and put the change in a new V<n>__ script.", e);
        }
        catch (EvolveException e)
        {
            throw new MigrationException($"Migrating the database failed: {e.Message} {e.InnerException?.Message}", e);
        }
        LogMigrated(logger, evolve.NbMigration, ExpectedVersionList);
    }

    [Query($"SELECT coalesce(array_agg(version ORDER BY id), '{{}}') FROM {MetadataTable} WHERE success AND version IS NOT NULL")]
    public static partial Task<string[]> AppliedVersionsAsync(NpgsqlDataSource db, CancellationToken ct);

    private static List<string> ReadExpectedVersions()
    {
        if (!Directory.Exists(Location)) return [];
        return Directory.EnumerateFiles(Location, "V*__*.sql")
            .Select(path => Path.GetFileName(path)[1..].Split("__")[0].Replace('_', '.'))
            .OrderBy(version => Version.Parse(version.Contains('.') ? version : version + ".0"))  // 10 after 2, as Evolve orders them
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evolve: {Message}")]
    private static partial void LogEvolve(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrated: {Applied} migration(s) applied now; schema versions {Versions}")]
    private static partial void LogMigrated(ILogger logger, int applied, string versions);
}

public sealed class MigrationException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Whether this process has applied (and Evolve has validated) every shipped migration. Kestrel starts listening while
/// Evolve works, so until then the API answers 503, readiness says why, and the jobs wait.
/// </summary>
public sealed class SchemaMigration
{
    private readonly TaskCompletionSource<bool> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsApplied => _outcome.Task.IsCompletedSuccessfully && _outcome.Task.Result;

    /// <summary>True once applied; false when start-up gave up (the process is then stopping).</summary>
    public Task<bool> Outcome => _outcome.Task;

    internal void Finish(bool applied) => _outcome.TrySetResult(applied);
}

/// <summary>
/// Start-up (and `AssetForge migrate`): waits for the database with capped exponential backoff, one log line per
/// failed attempt, for at most Database:StartupTimeoutSeconds (default 60: long enough for a database container
/// or a managed failover to come up, short enough for an orchestrator to see a crash loop), then applies the
/// migrations. If the database never answers, or refuses us for a reason waiting will not fix (wrong password,
/// no such database), one Critical line names the host and the cause and the process exits 1.
/// </summary>
public static partial class MigrationStartup
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>`AssetForge migrate`: waits for the database and applies migrations; logs why and returns false when it cannot.</summary>
    public static Task<bool> MigrateDatabaseAsync(this WebApplication app)
    {
        ValidateSettings(app);
        return MigrateAsync(app);
    }

    /// <summary>
    /// Serving: the same, on a background task while the host starts (Evolve spends ~20 ms in round trips even when
    /// there is nothing to apply, and a real migration can take minutes, during which liveness must keep answering).
    /// Until it is done <see cref="UseMigrationGate"/> answers 503; then the app's first pooled connection is opened.
    /// If it fails, the host is stopped; the task's false is the process's exit code 1.
    /// </summary>
    public static Task<bool> MigrateDatabaseWhileStarting(this WebApplication app)
    {
        ValidateSettings(app);
        var schema = app.Services.GetRequiredService<SchemaMigration>();
        return Task.Run(async () =>
        {
            var applied = false;
            try
            {
                applied = await MigrateAsync(app);
            }
            finally
            {
                schema.Finish(applied);
                // Stopping a host that is still starting would fail its start with an exception; wait until it runs.
                if (!applied) app.Lifetime.ApplicationStarted.Register(app.Lifetime.StopApplication);
            }
            if (applied) await app.OpenFirstConnectionAsync();
            return applied;
        });
    }

    /// <summary>
    /// Before the migrations are applied every /api request gets a 503 problem with Retry-After: the tables it would read
    /// may not exist yet. Health probes (readiness says the same), the OpenAPI document and its reference touch no table
    /// and are served. Once applied, one flag read per request.
    /// </summary>
    public static IApplicationBuilder UseMigrationGate(this IApplicationBuilder app)
    {
        var schema = app.ApplicationServices.GetRequiredService<SchemaMigration>();
        return app.Use((http, next) =>
        {
            if (schema.IsApplied || !http.Request.Path.StartsWithSegments("/api")) return next(http);
            return NotMigratedYet(http.Response, "Starting").ExecuteAsync(http);
        });
    }

    /// <summary>The 503 the gate and readiness answer until the migrations are applied (only the title differs).</summary>
    public static ProblemHttpResult NotMigratedYet(HttpResponse response, string title)
    {
        response.Headers.RetryAfter = "1";
        return Problems.Status(StatusCodes.Status503ServiceUnavailable,
            "The service is starting: its database migrations are being applied; retry shortly.", title);
    }

    /// <summary>
    /// Every section's settings are checked before the database is touched: ValidateOnStart alone would run only when
    /// the host starts, by when the migration would have begun. A bad value throws, naming its key.
    /// </summary>
    private static void ValidateSettings(WebApplication app) => app.Services.GetRequiredService<IStartupValidator>().Validate();

    private static async Task<bool> MigrateAsync(WebApplication app)
    {
        var limit = app.Services.GetRequiredService<IOptions<DatabaseSettings>>().Value.StartupTimeout;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AssetForge.Startup");
        var stopping = app.Lifetime.ApplicationStopping;
        string connectionString;
        try
        {
            connectionString = Database.GetConnectionString(app.Configuration);
        }
        catch (InvalidOperationException e)
        {
            LogStopped(logger, "(none)", e.Message);
            return false;
        }
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var host = $"{csb.Host}:{csb.Port}/{csb.Database}";

        await using var dataSource = Migrations.SideSource(connectionString);
        if (await WaitForDatabaseAsync(dataSource, host, limit, logger, stopping) is { } failure)
        {
            LogStopped(logger, host, failure);
            return false;
        }
        try
        {
            // Evolve opens its connection in its constructor, so all of it stays inside this try.
            Migrations.Apply(dataSource, logger);
            return true;
        }
        catch (Exception e) when (e is MigrationException or NpgsqlException or EvolveException or InvalidOperationException)
        {
            var cause = DatabaseOutage.Cause(e);
            LogStopped(logger, host, cause);
            return false;
        }
    }

    /// <summary>Null once a connection opens; otherwise why the database could not be reached in time.</summary>
    private static async Task<string?> WaitForDatabaseAsync(NpgsqlDataSource dataSource, string host, TimeSpan limit, ILogger logger, CancellationToken stopping)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            try
            {
                // Each attempt gets at most the time left (a black-holed address would otherwise hold us for Npgsql's 15 s).
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
                await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
                if (attempt > 1) LogReached(logger, host, attempt);
                return null;
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or SocketException)
            {
                if (stopping.IsCancellationRequested) return "start-up was cancelled";
                var cause = e is OperationCanceledException ? "no answer in time" : DatabaseOutage.Cause(e);
                if (DatabaseOutage.Classify(e) is null && e is not OperationCanceledException)
                    return cause; // refused for good (authentication, no such database): waiting will not help
                left = deadline - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero)
                    return $"still unreachable after {attempt} attempt(s) in {limit.TotalSeconds:0} s (Database:StartupTimeoutSeconds): {cause}";
                var wait = delay < left ? delay : left;
                LogAttempt(logger, host, attempt, cause, wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, stopping);
                }
                catch (OperationCanceledException)
                {
                    return "start-up was cancelled";
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database {Host} not reachable (attempt {Attempt}): {Cause}; retrying in {Seconds:0.##} s")]
    private static partial void LogAttempt(ILogger logger, string host, int attempt, string cause, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Host} reached on attempt {Attempt}")]
    private static partial void LogReached(ILogger logger, string host, int attempt);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up stopped: database {Host}: {Reason}")]
    private static partial void LogStopped(ILogger logger, string host, string reason);
}
