using System.Net;
using AssetForge.Features.Pipelines;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// The host listens while Evolve applies (or only validates) the migrations: in that window liveness answers, while
/// readiness and the API answer 503 with Retry-After, the jobs wait and the event hub does not listen yet; once applied,
/// all of them run.
/// </summary>
public sealed class MigrationWindowTests(MigrationWindowTests.Factory factory) : IClassFixture<MigrationWindowTests.Factory>
{
    public class Factory : ApiFactory
    {
        protected override bool WaitsForMigrations => false;

        // The expiry job runs once the migrations are applied (no start delay here): it must wait for them.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Jobs:Enabled", "true"), new("Jobs:StartDelaySeconds", "0")];
    }

    /// <summary>Evolve reads its changelog first; holding that table makes the migration wait as a long one would.</summary>
    internal static async Task<NpgsqlTransaction> HoldMigrationsAsync(NpgsqlConnection blocker)
    {
        var hold = await blocker.BeginTransactionAsync();
        await using var lockTable = new NpgsqlCommand($"LOCK TABLE {Migrations.MetadataTable} IN ACCESS EXCLUSIVE MODE", blocker, hold);
        await lockTable.ExecuteNonQueryAsync();
        return hold;
    }

    internal static async Task<HttpClient> StartInsideWindowAsync(ApiFactory factory)
    {
        var starting = Task.Run(() => factory.ClientWith(Tokens.Member(Tokens.NewSubject())));
        Assert.True(await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(20))) == starting,
            "the host did not start while its migrations were waiting");
        return await starting;
    }

    [Fact]
    public async Task While_migrations_are_applied_it_is_live_but_not_ready_the_api_answers_503_and_jobs_and_listening_wait_then_all_run()
    {
        var owner = await Arrange.NewUserAsync(factory.Db);
        var expired = await Features.Pipelines.PipelineKit.InsertAsync(factory.Db, owner, "processing", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var blocker = await factory.Db.OpenConnectionAsync();
        var hold = await HoldMigrationsAsync(blocker);
        HttpClient client;
        try
        {
            client = await StartInsideWindowAsync(factory);

            await (await client.GetAsync("/health/live")).AssertStatusAsync(HttpStatusCode.OK);
            foreach (var path in new[] { "/health/ready", "/api/me" })
            {
                var response = await client.GetAsync(path);
                var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
                Assert.Contains("migrations are being applied", problem.GetProperty("detail").GetString());
            }
            await Task.Delay(300); // time enough for a job that did not wait to have run
            Assert.Equal("processing", await Features.Pipelines.PipelineKit.StatusAsync(factory.Db, expired));
            Assert.Equal(0, factory.Services.GetRequiredService<PipelineEventHub>().ListenConnections);
        }
        finally
        {
            await hold.RollbackAsync();
        }

        await Arrange.WaitUntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "readiness once the migrations are applied", seconds: 10);
        await (await client.GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        await Arrange.WaitUntilAsync(async () => await Features.Pipelines.PipelineKit.StatusAsync(factory.Db, expired) == "failed",
            "the expiry job's first run", seconds: 10);
        await Features.Pipelines.EventsFactory.WaitListeningAsync(factory);
        Assert.Equal(1, factory.Services.GetRequiredService<PipelineEventHub>().ListenConnections);
    }
}
