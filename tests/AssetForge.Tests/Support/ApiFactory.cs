using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AssetForge.Tests.Support;

/// <summary>A signed-in caller: its HTTP client (bearer token attached), users row id and token subject.</summary>
public sealed record TestUser(HttpClient Client, Guid Id, string Subject, bool IsAdmin);

/// <summary>
/// The real application (Program) over an in-memory server, against its own freshly migrated database.
/// One per test class (IClassFixture); tests arrange and assert over HTTP and, where the contract speaks of
/// rows, through <see cref="Db"/>.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private NpgsqlDataSource? _db;
    private PostgresServer? _server;

    public string ConnectionString { get; protected set; } = "";

    /// <summary>Direct access to the test database, for arranging rows and asserting what was stored.</summary>
    public NpgsqlDataSource Db => _db ?? throw new InvalidOperationException("The factory has not been initialised.");

    /// <summary>Whether the contract validator wraps the pipeline (see ContractValidator).</summary>
    protected virtual bool ValidatesContract => true;

    /// <summary>
    /// Appended to the application's connection string. The race tests line up twenty and more requests at the
    /// database at once, which the product's default pool (4 per core) would queue in the pool instead.
    /// </summary>
    protected virtual string PoolSettings => ";Maximum Pool Size=100";

    /// <summary>
    /// Whether the factory hands out its host only once the migrations are applied. The host starts while they are
    /// (answering 503 meanwhile); tests of that window say false.
    /// </summary>
    protected virtual bool WaitsForMigrations => true;

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (WaitsForMigrations
            && !host.Services.GetRequiredService<SchemaMigration>().Outcome.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult())
            throw new InvalidOperationException("The test host could not apply its migrations (see its log).");
        return host;
    }

    /// <summary>Extra configuration for a test class (key → value), applied over the defaults.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public virtual async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        UseDatabase(await _server.CreateMigratedDatabaseAsync());
    }

    /// <summary>Runs after the host and <see cref="Db"/> are gone: for a subclass's own resources (its own cluster).</summary>
    protected virtual Task DisposedAsync() => Task.CompletedTask;

    /// <summary>Points the application and <see cref="Db"/> at a database of the subclass's choosing.</summary>
    protected void UseDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        _db = NpgsqlDataSource.Create(connectionString);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:AssetForge", ConnectionString + PoolSettings);
        builder.UseSetting("Logging:Format", "text");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Jobs:Enabled", "false"); // tests run jobs explicitly
        builder.UseSetting("Shutdown:DrainSeconds", "0"); // disposing a test host must not wait for a load balancer
        foreach (var (key, value) in Tokens.HostSettings.Concat(Settings)) builder.UseSetting(key, value);
        // Every answer the suite receives is checked against the served OpenAPI document.
        if (ValidatesContract) builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ContractValidationStartupFilter>());
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>A new user, signed in: the first request provisions their row and tells us its id.</summary>
    public async Task<TestUser> SignInAsync(bool admin = false)
    {
        var subject = Tokens.NewSubject();
        var client = ClientWith(admin ? Tokens.Admin(subject) : Tokens.Member(subject));
        var me = await (await client.GetAsync("/api/me")).AssertStatusAsync(System.Net.HttpStatusCode.OK);
        return new TestUser(client, me.GetProperty("id").GetGuid(), subject, admin);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
        await base.DisposeAsync();
        if (_server is not null) await _server.DropDatabaseAsync(ConnectionString);
        await DisposedAsync();
    }
}

/// <summary>
/// An API over a PostgreSQL cluster of its own, for tests that stop and start the database: other classes keep theirs.
/// </summary>
public class OwnClusterApiFactory : ApiFactory
{
    public PostgresServer.LocalCluster Cluster { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        var (server, cluster) = await PostgresServer.StartOwnClusterAsync();
        Cluster = cluster;
        UseDatabase(await server.CreateMigratedDatabaseAsync());
    }

    // Stopped here rather than left to ProcessExit, which may not get to it: a leftover server would keep
    // whatever file descriptors the test run inherited (the merge lock, say) open for ever.
    protected override Task DisposedAsync() => Cluster.RemoveAsync();
}
