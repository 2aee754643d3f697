using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Infrastructure.Data;

public static partial class Database
{
    public const string ConnectionStringName = "AssetForge";

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"No connection string: set ConnectionStrings:{ConnectionStringName} (env ConnectionStrings__{ConnectionStringName}).");

    /// <summary>
    /// One NpgsqlDataSource for the process, on the slim builder with exactly the opt-ins our columns use:
    /// arrays, jsonb as JsonElement, the [PgEnum] enums, and TLS for managed databases.
    /// </summary>
    public static IServiceCollection AddAssetForgeDatabase(this IServiceCollection services)
    {
        // The connection string is read when the data source is first resolved, so configuration
        // supplied late (test hosts, user secrets) is honoured.
        services.AddNpgsqlSlimDataSource(string.Empty, static (sp, builder) =>
        {
            var csb = builder.ConnectionStringBuilder;
            csb.ConnectionString = GetConnectionString(sp.GetRequiredService<IConfiguration>());
            Configure(builder);
            Telemetry.TelemetrySetup.ConfigureTracing(builder, sp.GetRequiredService<IOptions<TelemetrySettings>>().Value);
        });
        services.AddSingleton<DatabaseOutage>();
        services.AddSingleton<SchemaMigration>();
        // One connection per request for the endpoints marked .Idempotent(): their filter opens it (and, with an
        // Idempotency-Key, begins the transaction the handler's writes join); the scope returns it to the pool.
        services.RemoveAll<NpgsqlConnection>();
        services.AddScoped(sp => sp.GetRequiredService<NpgsqlDataSource>().CreateConnection());
        return services;
    }

    /// <summary>
    /// Opens the data source's first connection (and returns it to the pool) while the host starts, not on the first
    /// request: that is when Npgsql loads the database's type catalogue (our enums; a 7 ms query on a local database,
    /// more across a network), which the first readiness probe or API call would otherwise wait for. Only after
    /// migrating: the enums it maps are created by the migrations. A failure is logged and otherwise ignored; the first
    /// request then meets the outage and answers it as any other.
    /// </summary>
    public static async Task OpenFirstConnectionAsync(this WebApplication app)
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        try
        {
            await using var connection = await db.OpenConnectionAsync(app.Lifetime.ApplicationStopping);
        }
        catch (Exception e) // whatever it was, the first request meets it again and answers it
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AssetForge.Startup");
            var cause = DatabaseOutage.Cause(e);
            LogWarmUpFailed(logger, cause);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The first pooled connection could not be opened at start-up: {Cause}")]
    private static partial void LogWarmUpFailed(ILogger logger, string cause);

    /// <summary>
    /// Whether the connection string sets <paramref name="keyword"/> (any synonym: the builder stores the canonical
    /// name). Not ContainsKey, which is true for every keyword Npgsql knows, set or not.
    /// </summary>
    private static bool Says(NpgsqlConnectionStringBuilder csb, string keyword) =>
        ((IDictionary<string, object?>)csb).Keys.Contains(keyword, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The pool's name in Npgsql's metrics (db.client.connection.pool.name) and logs. Npgsql's default is the connection
    /// string (host, user, database and every option), which /metrics would then repeat on every Npgsql series and each
    /// command's measurement would hash; the side connections have names of their own (<see cref="SideSourceName"/>).
    /// </summary>
    public const string DataSourceName = "assetforge";

    public static string SideSourceName(string purpose) => $"{DataSourceName}-{purpose}";

    /// <summary>Maximum Pool Size when the connection string leaves it out: 4 per core of this machine, 8 to 100.</summary>
    public static int DefaultMaxPoolSize => Math.Clamp(4 * Environment.ProcessorCount, 8, 100);

    /// <summary>
    /// For the process's side connections (the start-up probe, Evolve, LISTEN), which read built-in types only: each data
    /// source otherwise loads the database's type catalogue on its first connection, a query and a mapping at start-up.
    /// </summary>
    public static NpgsqlSlimDataSourceBuilder WithoutTypeLoading(this NpgsqlSlimDataSourceBuilder builder)
    {
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder;
    }

    public static void Configure(NpgsqlSlimDataSourceBuilder builder)
    {
        var csb = builder.ConnectionStringBuilder;
        // Defaults for what the connection string leaves unsaid (an explicit value always wins):
        // every statement is static SQL with positional parameters, so let Npgsql prepare the hot ones;
        if (!Says(csb, "Max Auto Prepare")) csb.MaxAutoPrepare = 64;
        // and we never change session state (no SET, no temp tables; advisory locks are released in
        // `finally`), so skip the reset statements Npgsql would otherwise run on every pooled checkout.
        if (!Says(csb, "No Reset On Close")) csb.NoResetOnClose = true;
        // and hold no more connections than a few per core: PostgreSQL runs one process per connection, and past what
        // the cores can run at once a query waits in the OS run queue behind every other backend's time slice instead
        // of in the pool's fair queue. Under get-pipeline load on 2 cores the default 100 let 32 backends run at once and
        // put ~100 ms into each command's p99; 8 took it to ~45 ms (docs/performance.md).
        if (!Says(csb, "Maximum Pool Size")) csb.MaxPoolSize = DefaultMaxPoolSize;
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "assetforge-api";
        builder.Name = DataSourceName;
        builder.EnableArrays();
        builder.EnableJsonTypes();
        builder.EnableTransportSecurity();
        PgEnums.MapAll(builder);
    }
}
