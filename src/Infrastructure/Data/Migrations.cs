using EvolveDb;
using EvolveDb.Dialect;
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
        // A separate, short-lived data source: the application's own one must load type information
        // (our enums) only after the migrations have created it.
        using var dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).Build();
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

public static partial class MigrationStartup
{
    /// <summary>Applies migrations with the final configuration; logs why and returns false when it cannot.</summary>
    public static bool MigrateDatabase(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AssetForge.Migrations");
        try
        {
            Migrations.Apply(Database.GetConnectionString(app.Configuration), logger);
            return true;
        }
        catch (Exception e) when (e is MigrationException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            LogStartupStopped(logger, e, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up stopped: {Reason}")]
    private static partial void LogStartupStopped(ILogger logger, Exception exception, string reason);
}
