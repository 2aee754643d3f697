using System.Net;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The database stops under the running API: on a cluster of its own, so other classes keep theirs.</summary>
public sealed class OutageTests(OutageTests.Factory factory) : IClassFixture<OutageTests.Factory>
{
    public sealed class Factory : OwnClusterApiFactory
    {
        public LogCapture Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Logs)));
        }
    }

    private const string Body = """{"config":{"model":"m"},"stages":[{"name":"mesh"}]}""";

    [Fact]
    public async Task While_the_database_is_down_writes_are_503_with_retry_after_readiness_is_503_and_a_cached_user_is_served()
    {
        var user = await factory.SignInAsync();
        await (await user.Client.PostAsync("/api/pipelines", Http.Json(Body))).AssertStatusAsync(HttpStatusCode.Created);
        var before = factory.Logs.Snapshot().Count;

        await factory.Cluster.StopServerAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var write = await user.Client.PostAsync("/api/pipelines", Http.Json(Body));
                var problem = await write.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.True(write.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 must say when to retry");
            }
            var ready = await user.Client.GetAsync("/health/ready");
            await ready.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(ready.Headers.RetryAfter);

            // The user is cached from the sign-in: who they are needs no database.
            await (await user.Client.GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
            // A user never seen before cannot be provisioned now: 503, not 401 or 500.
            var stranger = factory.ClientWith(Tokens.Member(Tokens.NewSubject()));
            await (await stranger.GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

            var during = factory.Logs.Snapshot().Skip(before).ToList();
            Assert.DoesNotContain(during, e => e.Level >= LogLevel.Error);
            Assert.DoesNotContain(during, e => e.Exception is not null);
            var down = Assert.Single(during, e => e.Category == typeof(DatabaseOutage).FullName);
            Assert.Equal(LogLevel.Warning, down.Level);
            Assert.Contains($"127.0.0.1:{factory.Cluster.Port}", down.Message);
        }
        finally
        {
            await factory.Cluster.StartServerAsync();
        }

        // The very next request succeeds: no broken pooled connection is handed out after the restart.
        await (await user.Client.PostAsync("/api/pipelines", Http.Json(Body))).AssertStatusAsync(HttpStatusCode.Created);
        await (await user.Client.GetAsync("/health/ready")).AssertStatusAsync(HttpStatusCode.OK);
        var back = factory.Logs.Snapshot().Skip(before).Where(e => e.Category == typeof(DatabaseOutage).FullName).ToList();
        Assert.Equal(2, back.Count);
        Assert.Contains("is back", back[1].Message);
    }

    [Fact]
    public async Task The_recovery_probe_logs_the_return_outside_the_request_that_saw_the_outage()
    {
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync("/api/pipelines")).AssertStatusAsync(HttpStatusCode.OK);
        var before = factory.Logs.Snapshot().Count;
        await factory.Cluster.StopServerAsync();
        try
        {
            await (await user.Client.PostAsync("/api/pipelines", Http.Json(Body))).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await factory.Cluster.StartServerAsync();
        }

        // No request reaches the database now, so only the probe can notice the return.
        LogCapture.Entry? back = null;
        for (var waited = 0; back is null && waited < 100; waited++)
        {
            back = factory.Logs.Snapshot().Skip(before).FirstOrDefault(e => e.Message.Contains("is back after", StringComparison.Ordinal));
            if (back is null) await Task.Delay(100);
        }
        Assert.NotNull(back);
        var down = Assert.Single(factory.Logs.Snapshot().Skip(before), e => e.Category == typeof(DatabaseOutage).FullName && e.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.NotNull(down.TraceId);
        // The probe is the process's own work: its line (and its SELECT 1) must not join the trace of the request that began the outage.
        Assert.True(back.TraceId is null, string.Join("\n", factory.Logs.Snapshot().Skip(before).Select(e => $"{e.TraceId} {e.Category}: {e.Message}")));
    }
}

/// <summary>A statement stuck behind a row lock past the command timeout is a 504 with Retry-After, never a 500.</summary>
public sealed class CommandTimeoutTests(CommandTimeoutTests.Factory factory) : IClassFixture<CommandTimeoutTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            UseDatabase(ConnectionString + ";Command Timeout=1");
        }
    }

    [Fact]
    public async Task A_row_lock_held_past_the_command_timeout_is_a_504_with_retry_after()
    {
        var user = await factory.SignInAsync();
        var created = await (await user.Client.PostAsync("/api/pipelines",
            Http.Json("""{"config":{},"stages":[{"name":"mesh"}]}"""))).AssertStatusAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        await using var locker = new NpgsqlConnection(factory.ConnectionString);
        await locker.OpenAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT 1 FROM generation_pipelines WHERE id = $1 FOR UPDATE", locker, tx))
        {
            command.Parameters.AddWithValue(id);
            await command.ExecuteScalarAsync();
        }

        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/pipelines/{id}/status") { Content = Http.Json("""{"status":"processing"}""") };
        var response = await user.Client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        await tx.RollbackAsync();
        var retry = new HttpRequestMessage(HttpMethod.Patch, $"/api/pipelines/{id}/status") { Content = Http.Json("""{"status":"processing"}""") };
        await (await user.Client.SendAsync(retry)).AssertStatusAsync(HttpStatusCode.OK);
    }
}
