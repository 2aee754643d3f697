using System.Net;
using System.Text.Json;
using AssetForge.Infrastructure.Http;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Infrastructure;

public sealed class IdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string Body(string stage = "mesh") => $$"""{"config":{"model":"m"},"stages":[{"name":"{{stage}}"}]}""";

    private static HttpRequestMessage Create(string key, string body, string path = "/api/pipelines")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Http.Json(body) };
        request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, key);
        return request;
    }

    private Task<long> PipelinesOfAsync(TestUser user) =>
        factory.Db.ScalarAsync<long>("SELECT count(*) FROM generation_pipelines WHERE user_id = $1", user.Id);

    [Fact]
    public async Task A_repeat_with_the_same_key_and_body_replays_the_first_answer_and_creates_nothing()
    {
        var user = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        var first = await user.Client.SendAsync(Create(key, Body()));
        var created = await first.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(first.Headers.Contains(IdempotencyFilter.ReplayedHeader));

        var again = await user.Client.SendAsync(Create(key, Body()));
        var replayed = await again.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("true", Assert.Single(again.Headers.GetValues(IdempotencyFilter.ReplayedHeader)));
        Assert.Equal(created.GetRawText(), replayed.GetRawText());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal("application/json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await PipelinesOfAsync(user));

        // Without a key, the same body is a new pipeline, as before.
        await (await user.Client.PostAsync("/api/pipelines", Http.Json(Body()))).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(2L, await PipelinesOfAsync(user));
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_route_is_a_422_and_changes_nothing()
    {
        var user = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        await (await user.Client.SendAsync(Create(key, Body("mesh")))).AssertStatusAsync(HttpStatusCode.Created);

        await (await user.Client.SendAsync(Create(key, Body("rig")))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await user.Client.SendAsync(Create(key, """{"name":"a","type":"model"}""", "/api/assets"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1L, await PipelinesOfAsync(user));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE owner_id = $1", user.Id));
    }

    [Fact]
    public async Task Keys_are_per_caller()
    {
        var alice = await factory.SignInAsync();
        var bob = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        var a = await (await alice.Client.SendAsync(Create(key, Body()))).AssertStatusAsync(HttpStatusCode.Created);
        var b = await bob.Client.SendAsync(Create(key, Body()));
        var bBody = await b.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(b.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.NotEqual(a.GetProperty("id").GetGuid(), bBody.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_refused_request_keeps_nothing_so_the_key_can_be_used_for_the_corrected_one()
    {
        var user = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        var unknownAsset = $$"""{"config":{},"stages":[{"name":"mesh"}],"assetId":"{{Guid.NewGuid()}}"}""";
        await (await user.Client.SendAsync(Create(key, unknownAsset))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await user.Client.SendAsync(Create(key, Body()))).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(1L, await PipelinesOfAsync(user));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    [InlineData(-1)] // a non-ASCII character
    public async Task A_malformed_key_is_a_400_naming_the_header(int length)
    {
        var user = await factory.SignInAsync();
        var key = length switch { -1 => "clé", 0 => "   ", _ => new string('k', length) };
        var problem = await (await user.Client.SendAsync(Create(key, Body()))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(IdempotencyFilter.Header, out _));
        Assert.Equal(0L, await PipelinesOfAsync(user));
        // 255 printable characters are fine.
        await (await user.Client.SendAsync(Create(new string('k', 254) + "~", Body()))).AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Twenty_concurrent_duplicates_make_one_effect_and_the_rest_are_replays_or_409s()
    {
        var user = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => user.Client.SendAsync(Create(key, Body()))));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {s}"));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        var ids = new HashSet<Guid>();
        foreach (var r in created) ids.Add((await r.ReadJsonAsync()).GetProperty("id").GetGuid());
        Assert.Single(ids);
        Assert.Single(created, r => !r.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.NotNull(conflict.Headers.RetryAfter);
        }
        Assert.Equal(1L, await PipelinesOfAsync(user));
    }

    [Fact]
    public async Task The_connection_killed_between_effect_and_stored_answer_leaves_nothing_and_the_retry_makes_one_row()
    {
        var user = await factory.SignInAsync();
        var key = "crash-" + Guid.NewGuid();
        // The session kills itself when it comes to store the answer: the pipeline is inserted, nothing is committed.
        await factory.Db.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION test_kill_own_session() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NEW; END $$
            """);
        await factory.Db.ExecuteAsync("""
            CREATE TRIGGER test_kill_on_store BEFORE INSERT ON idempotency_keys FOR EACH ROW
            WHEN (NEW.key LIKE 'crash-%') EXECUTE FUNCTION test_kill_own_session()
            """);
        try
        {
            var crashed = await user.Client.SendAsync(Create(key, Body()));
            await crashed.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(0L, await PipelinesOfAsync(user));
        }
        finally
        {
            await factory.Db.ExecuteAsync("DROP TRIGGER test_kill_on_store ON idempotency_keys");
        }

        var retried = await user.Client.SendAsync(Create(key, Body()));
        await retried.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(retried.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.Equal(1L, await PipelinesOfAsync(user));
    }

    [Fact]
    public async Task A_client_gone_after_the_commit_gets_the_original_answer_on_retry_and_there_is_one_row()
    {
        var user = await factory.SignInAsync();
        var key = "slow-" + Guid.NewGuid();
        // The commit takes 1.5 s (a deferred trigger); the client gives up after 0.3 s, mid-commit.
        await factory.Db.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$
            """);
        await factory.Db.ExecuteAsync("""
            CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON idempotency_keys DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (NEW.key LIKE 'slow-%') EXECUTE FUNCTION test_slow_commit()
            """);
        try
        {
            using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => user.Client.SendAsync(Create(key, Body()), giveUp.Token));
            await ErrorRowsWaitUntil(async () => await factory.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = $1", key) == 1);
        }
        finally
        {
            await factory.Db.ExecuteAsync("DROP TRIGGER test_slow_commit ON idempotency_keys");
        }

        var retried = await user.Client.SendAsync(Create(key, Body()));
        var body = await retried.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("true", Assert.Single(retried.Headers.GetValues(IdempotencyFilter.ReplayedHeader)));
        var id = await factory.Db.ScalarAsync<Guid>("SELECT id FROM generation_pipelines WHERE user_id = $1", user.Id);
        Assert.Equal(id, body.GetProperty("id").GetGuid());
        Assert.Equal($"/api/pipelines/{id}", retried.Headers.Location?.OriginalString);
        Assert.Equal(1L, await PipelinesOfAsync(user));
    }

    [Fact]
    public async Task Anonymous_error_reports_take_keys_per_address()
    {
        var client = factory.CreateClient();
        var key = Guid.NewGuid().ToString();
        var report = $$"""{"endpoint":"/idem-{{key}}","method":"GET","message":"m"}""";
        var first = await (await client.SendAsync(Create(key, report, "/api/errors"))).AssertStatusAsync(HttpStatusCode.Created);
        var again = await client.SendAsync(Create(key, report, "/api/errors"));
        Assert.Equal(first.GetProperty("id").GetGuid(), (await again.AssertStatusAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        Assert.True(again.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1", $"/idem-{key}"));
    }

    [Fact]
    public async Task Expired_keys_are_removed_by_the_job_and_an_expired_key_starts_afresh()
    {
        var user = await factory.SignInAsync();
        var key = Guid.NewGuid().ToString();
        await (await user.Client.SendAsync(Create(key, Body()))).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM idempotency_keys WHERE key = $1 AND expires_at BETWEEN now() + interval '23 hours 59 minutes' AND now() + interval '24 hours 1 minute'", key));
        await factory.Db.ExecuteAsync("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1", key);

        var fresh = await user.Client.SendAsync(Create(key, Body("rig")));
        await fresh.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False(fresh.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.Equal(2L, await PipelinesOfAsync(user));

        var other = Guid.NewGuid().ToString();
        await factory.Db.ExecuteAsync("""
            INSERT INTO idempotency_keys (caller, key, method, path, fingerprint, status, body, expires_at)
            VALUES ('user:' || $1, $2, 'POST', '/api/pipelines', sha256('x'), 201, '', now() - interval '1 hour')
            """, user.Id.ToString(), other);
        Assert.True(await factory.Services.GetRequiredService<IdempotencyKeyRetentionJob>().TryRunAsync(CancellationToken.None));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = $1", other));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = $1", key));
    }

    [Fact]
    public async Task OpenApi_declares_the_optional_header_on_every_post_that_creates_or_starts_work()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        var posts = doc.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("post", out _))
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("post"));
        Assert.Equal(8, posts.Count);
        foreach (var (path, operation) in posts)
        {
            var header = operation.GetProperty("parameters").EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == IdempotencyFilter.Header);
            Assert.Equal("header", header.GetProperty("in").GetString());
            Assert.False(header.TryGetProperty("required", out var required) && required.GetBoolean(), path);
            Assert.Equal(255, header.GetProperty("schema").GetProperty("maxLength").GetInt32());
            Assert.True(operation.GetProperty("responses").TryGetProperty("422", out _), path);
            Assert.True(operation.GetProperty("responses").TryGetProperty("409", out _), path);
        }
    }

    private static async Task ErrorRowsWaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("Timed out waiting for the commit.");
            await Task.Delay(50);
        }
    }
}
