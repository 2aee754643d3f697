using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace AssetForge.Tests.Support;

/// <summary>
/// The real application (Program) over an in-memory server, against its own freshly migrated database.
/// One per test class (IClassFixture); tests arrange and assert over HTTP and, where the contract speaks of
/// rows, through <see cref="Db"/>.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private NpgsqlDataSource? _db;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Direct access to the test database, for arranging rows and asserting what was stored.</summary>
    public NpgsqlDataSource Db => _db ?? throw new InvalidOperationException("The factory has not been initialised.");

    /// <summary>Extra configuration for a test class (key → value), applied over the defaults.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public virtual async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        ConnectionString = await server.CreateMigratedDatabaseAsync();
        _db = NpgsqlDataSource.Create(ConnectionString);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:AssetForge", ConnectionString);
        builder.UseSetting("Logging:Format", "text");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Jobs:Enabled", "false"); // tests run jobs explicitly
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
        await base.DisposeAsync();
    }
}
