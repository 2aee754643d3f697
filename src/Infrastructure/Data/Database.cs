using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Infrastructure.Data;

public static class Database
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
        // One connection per request for the endpoints marked .Idempotent(): their filter opens it (and, with an
        // Idempotency-Key, begins the transaction the handler's writes join); the scope returns it to the pool.
        services.RemoveAll<NpgsqlConnection>();
        services.AddScoped(sp => sp.GetRequiredService<NpgsqlDataSource>().CreateConnection());
        return services;
    }

    public static void Configure(NpgsqlSlimDataSourceBuilder builder)
    {
        var csb = builder.ConnectionStringBuilder;
        // Defaults for what the connection string leaves unsaid (an explicit value always wins):
        // every statement is static SQL with positional parameters, so let Npgsql prepare the hot ones;
        if (!csb.ContainsKey("Max Auto Prepare")) csb.MaxAutoPrepare = 64;
        // and we never change session state (no SET, no temp tables; advisory locks are released in
        // `finally`), so skip the reset statements Npgsql would otherwise run on every pooled checkout.
        if (!csb.ContainsKey("No Reset On Close")) csb.NoResetOnClose = true;
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "assetforge-api";
        builder.EnableArrays();
        builder.EnableJsonTypes();
        builder.EnableTransportSecurity();
        PgEnums.MapAll(builder);
    }
}
