using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

public sealed class HealthTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Live_answers_200_and_runs_no_check()
    {
        var body = await (await _client.GetAsync("/health/live")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("live", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task Ready_answers_200_once_migrated_and_503_naming_the_check_when_a_migration_is_missing()
    {
        var body = await (await _client.GetAsync("/health/ready")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("healthy", Check(body, "database").GetProperty("status").GetString());
        Assert.Equal("healthy", Check(body, "migrations").GetProperty("status").GetString());

        // Pretend V2 was never applied: readiness must notice without a restart.
        await factory.Db.ExecuteAsync("UPDATE assetforge_changelog SET success = false WHERE version = '2'");
        try
        {
            var response = await _client.GetAsync("/health/ready");
            var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("migrations (Migrations not applied: 2.)", problem.GetProperty("detail").GetString());
            Assert.Equal("healthy", Check(problem, "database").GetProperty("status").GetString());
            var migrations = Check(problem, "migrations");
            Assert.Equal("unhealthy", migrations.GetProperty("status").GetString());
            Assert.Contains("2", migrations.GetProperty("description").GetString());
        }
        finally
        {
            await factory.Db.ExecuteAsync("UPDATE assetforge_changelog SET success = true WHERE version = '2'");
        }
    }
}

/// <summary>
/// A database that accepts connections and never answers (a hung server, a black-holed network): readiness gives up
/// at the check's timeout with a 503 naming the database, and liveness, which touches no database, stays 200.
/// </summary>
public sealed class HealthTimeoutTests(HealthTimeoutTests.Factory factory) : IClassFixture<HealthTimeoutTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        private readonly TcpListener _silent = new(System.Net.IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            _silent.Start();
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var held = await _silent.AcceptTcpClientAsync();
                        lock (_held) _held.Add(held);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            });
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Start-up migrates through the real connection string; requests get the silent server.
            var port = ((System.Net.IPEndPoint)_silent.LocalEndpoint).Port;
            builder.ConfigureServices(s => s.AddSingleton(
                new NpgsqlSlimDataSourceBuilder($"Host=127.0.0.1;Port={port};Username=x;Password=x;Timeout=60").Build()));
        }

        protected override void Dispose(bool disposing)
        {
            _silent.Stop();
            lock (_held) _held.ForEach(c => c.Dispose());
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task Ready_times_out_to_a_503_naming_the_database_while_live_stays_200()
    {
        var client = factory.CreateClient();
        var started = DateTime.UtcNow;
        var body = await (await client.GetAsync("/health/ready")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "readiness must give up at its timeout, not the driver's");
        Assert.StartsWith("Failing: database (", body.GetProperty("detail").GetString());
        var database = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("unhealthy", database.GetProperty("status").GetString());

        var live = await (await client.GetAsync("/health/live")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("live", live.GetProperty("status").GetString());
    }
}
