using System.Net;
using System.Net.Sockets;
using AssetForge.Features.Errors;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Features.Errors;

/// <summary>
/// The API's own unhandled exceptions become api_errors rows, written after the 500 has been answered: probe
/// endpoints throw, and the tests make the database slow or refuse connections to show the answer never waits.
/// </summary>
public sealed class RecordUnhandledExceptionTests(RecordUnhandledExceptionTests.Factory factory) : IClassFixture<RecordUnhandledExceptionTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddProbeEndpoints(MapProbes));
        }
    }

    private static void MapProbes(IEndpointRouteBuilder e)
    {
        e.MapGet("/_probe/throw", IResult () =>
            throw new InvalidOperationException("Payment failed: password=hunter2 with Bearer abc123xyz"));
        e.MapGet("/_probe/database", async (NpgsqlDataSource db) =>
        {
            await using var command = db.CreateCommand("SELECT 1 / 0");
            await command.ExecuteScalarAsync();
            return TypedResults.NoContent();
        });
    }

    private RecordUnhandledException.Recorder Recorder => factory.Services.GetRequiredService<RecordUnhandledException.Recorder>();

    private static async Task<string> ThrowAsync(HttpClient client, string path = "/_probe/throw")
    {
        var problem = await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.InternalServerError);
        return problem.GetProperty("traceId").GetString()!;
    }

    private Task<long> RowsForAsync(string traceId) =>
        factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE request_id = $1", traceId);

    private Task WaitForRowAsync(string traceId) =>
        Arrange.WaitUntilAsync(async () => await RowsForAsync(traceId) == 1, $"the api_errors row of {traceId}");

    [Fact]
    public async Task An_unhandled_exception_becomes_a_redacted_row_keyed_by_the_problems_trace_id()
    {
        var client = factory.CreateClient();
        // Not a bearer token (which, invalid, would be a 401 before the route ran): still a credential to redact.
        client.DefaultRequestHeaders.Authorization = new("Basic", "not.a.valid-token");
        client.DefaultRequestHeaders.Add("Cookie", "session=s3ss10n");
        client.DefaultRequestHeaders.Add("X-Api-Key", "key-777");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Probe/1.0");
        var traceId = await ThrowAsync(client, "/_probe/throw?access_token=qs-secret&page=2");
        await WaitForRowAsync(traceId);

        Assert.Equal("/_probe/throw|GET|500|error|application|InvalidOperationException|Probe/1.0|<anonymous>", await factory.Db.ScalarAsync<string>("""
            SELECT concat_ws('|', endpoint, method, status_code, severity, category, error_code, user_agent, coalesce(user_id::text, '<anonymous>'))
            FROM api_errors WHERE request_id = $1
            """, traceId));
        var stored = await factory.Db.ScalarAsync<string>("""
            SELECT concat_ws(' ', error_message, error_stack, request_headers::text, context::text) FROM api_errors WHERE request_id = $1
            """, traceId);
        foreach (var secret in new[] { "hunter2", "abc123xyz", "not.a.valid-token", "s3ss10n", "key-777", "qs-secret" }) Assert.DoesNotContain(secret, stored);
        Assert.Contains("System.InvalidOperationException: Payment failed: password=[REDACTED]", stored);
        Assert.Equal("[REDACTED]|[REDACTED]|[REDACTED]|?access_token=[REDACTED]&page=2|System.InvalidOperationException|/_probe/throw",
            await factory.Db.ScalarAsync<string>("""
                SELECT concat_ws('|', request_headers->>'Authorization', request_headers->>'Cookie', request_headers->>'X-Api-Key', context->>'query', context->>'exceptionType', context->>'route')
                FROM api_errors WHERE request_id = $1
                """, traceId));
    }

    [Fact]
    public async Task A_signed_in_callers_exception_carries_their_user_id()
    {
        var user = await factory.SignInAsync();
        var traceId = await ThrowAsync(user.Client);
        await WaitForRowAsync(traceId);
        Assert.Equal(user.Id, await factory.Db.ScalarAsync<Guid>("SELECT user_id FROM api_errors WHERE request_id = $1", traceId));
    }

    [Fact]
    public async Task A_postgres_error_is_categorised_as_database()
    {
        var traceId = await ThrowAsync(factory.CreateClient(), "/_probe/database");
        await WaitForRowAsync(traceId);
        Assert.Equal("database|postgres:22012", await factory.Db.ScalarAsync<string>(
            "SELECT category || '|' || error_code FROM api_errors WHERE request_id = $1", traceId));
    }

    public static TheoryData<Exception, string> Exceptions() => new()
    {
        { new InvalidOperationException("x"), "Application" },
        { new HttpRequestException("upstream 503"), "ExternalApi" },
        { new TaskCanceledException("timeout", new HttpRequestException("slow")), "ExternalApi" },
        { new IOException("pipe", new SocketException((int)SocketError.ConnectionReset)), "Network" },
        { new FileNotFoundException("model.glb"), "FileSystem" },
        { new AggregateException(new InvalidOperationException("a"), new NpgsqlException("db down")), "Database" },
        { new FluentValidation.ValidationException("bad"), "Validation" },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void The_category_comes_from_the_most_telling_exception_in_the_chain(Exception exception, string category) =>
        Assert.Equal(category, RecordUnhandledException.Categorize(exception).ToString());

    [Fact]
    public async Task The_answer_does_not_wait_for_a_database_that_is_stuck()
    {
        // Hold a lock that makes every INSERT into api_errors wait, then let an endpoint throw.
        await using var blocker = await factory.Db.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE api_errors IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            await lockTable.ExecuteNonQueryAsync();

        var traceId = await ThrowAsync(factory.CreateClient());

        // The 500 has been answered, and the writer is still waiting on the lock: the answer did not wait for it.
        // Asked on another connection: inside the locking transaction PostgreSQL would answer every poll from the
        // snapshot of pg_stat_activity it took at the first, which a busy machine takes before the writer queues.
        await Arrange.WaitUntilAsync(async () => await factory.Db.ScalarAsync<long>("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO api_errors%'
            """) == 1, "the writer to wait on the lock");
        await transaction.RollbackAsync();

        await WaitForRowAsync(traceId);
    }

    [Fact]
    public async Task When_the_database_refuses_connections_the_answer_is_still_a_500_problem_and_recording_resumes_after()
    {
        var database = new NpgsqlConnectionStringBuilder(factory.ConnectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        var app = factory.Services.GetRequiredService<NpgsqlDataSource>();
        var droppedBefore = Recorder.Dropped;
        var during = new List<string>();
        try
        {
            await AdminAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
            await AdminAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");

            for (var i = 0; i < 3; i++) during.Add(await ThrowAsync(factory.CreateClient()));
            await Arrange.WaitUntilAsync(() => Task.FromResult(Recorder.Dropped >= droppedBefore + 3), "the writer to give up on three errors");
        }
        finally
        {
            await AdminAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
            // Pooled connections were killed with the outage; start the next ones fresh.
            app.Clear();
            factory.Db.Clear();
        }

        var after = await ThrowAsync(factory.CreateClient());
        await WaitForRowAsync(after);
        foreach (var traceId in during) Assert.Equal(0L, await RowsForAsync(traceId));
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
