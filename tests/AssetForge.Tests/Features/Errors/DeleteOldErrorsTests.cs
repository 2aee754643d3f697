using System.Net;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Features.Errors;

public sealed class DeleteOldErrorsTests(DeleteOldErrorsTests.Factory factory) : IClassFixture<DeleteOldErrorsTests.Factory>
{
    public sealed class Factory : ClockedApiFactory
    {
        // Small batches, so a handful of rows already takes several of them.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Errors:RetentionBatchSize", "3"), new("Errors:RetentionDays", "30")];
    }

    private string Endpoint { get; } = $"/retention-{Guid.NewGuid():N}";

    private Task<long> CountAsync() => factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1", Endpoint);

    [Fact]
    public async Task Deletes_older_errors_in_batches_and_reports_the_real_count()
    {
        var admin = await factory.SignInAsync(admin: true);
        var cutoff = factory.Clock.GetUtcNow().AddDays(-10);
        for (var i = 0; i < 10; i++) await ErrorRows.InsertAsync(factory.Db, cutoff.AddMinutes(-1 - i), Endpoint, resolved: i % 2 == 0);
        for (var i = 0; i < 4; i++) await ErrorRows.InsertAsync(factory.Db, cutoff.AddMinutes(i), Endpoint);
        var others = await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint <> $1 AND created_at < $2", Endpoint, cutoff.UtcDateTime);

        var body = await (await admin.Client.DeleteAsync($"/api/errors?olderThan={Uri.EscapeDataString(cutoff.ToString("O"))}"))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(10 + others, body.GetProperty("deleted").GetInt64());
        Assert.Equal(4L, await CountAsync());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE created_at < $1", cutoff.UtcDateTime));
    }

    [Fact]
    public async Task Resolved_only_keeps_unresolved_errors()
    {
        var admin = await factory.SignInAsync(admin: true);
        var cutoff = factory.Clock.GetUtcNow().AddDays(-20);
        for (var i = 0; i < 7; i++) await ErrorRows.InsertAsync(factory.Db, cutoff.AddHours(-1 - i), Endpoint, resolved: i < 5);
        var othersResolved = await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM api_errors WHERE endpoint <> $1 AND created_at < $2 AND resolved", Endpoint, cutoff.UtcDateTime);

        var body = await (await admin.Client.DeleteAsync($"/api/errors?olderThan={Uri.EscapeDataString(cutoff.ToString("O"))}&resolvedOnly=true"))
            .AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(5 + othersResolved, body.GetProperty("deleted").GetInt64());
        Assert.Equal(2L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1 AND NOT resolved", Endpoint));
        Assert.Equal(2L, await CountAsync());
    }

    [Theory]
    [InlineData("", "olderThan")]
    [InlineData("?olderThan=last-week", "olderThan")]
    [InlineData("?olderThan=2999-01-01T00:00:00Z", "olderThan")]
    [InlineData("?olderThan=2020-01-01T00:00:00Z&resolvedOnly=yes", "resolvedOnly")]
    public async Task Bad_parameters_are_400_problems_and_delete_nothing(string query, string field)
    {
        var admin = await factory.SignInAsync(admin: true);
        await ErrorRows.InsertAsync(factory.Db, new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), Endpoint);
        var problem = await (await admin.Client.DeleteAsync("/api/errors" + query)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(1L, await CountAsync());
    }

    [Fact]
    public async Task A_member_gets_a_403_and_nothing_is_deleted()
    {
        var member = await factory.SignInAsync();
        await ErrorRows.InsertAsync(factory.Db, new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), Endpoint, userId: member.Id);
        await (await member.Client.DeleteAsync("/api/errors?olderThan=2020-01-01T00:00:00Z")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(1L, await CountAsync());
    }

    [Fact]
    public async Task The_retention_job_deletes_what_is_older_than_the_configured_days_and_forgets_those_hours()
    {
        var now = factory.Clock.GetUtcNow();
        for (var i = 0; i < 8; i++) await ErrorRows.InsertAsync(factory.Db, now.AddDays(-30).AddMinutes(-1 - i * 30), Endpoint);
        for (var i = 0; i < 3; i++) await ErrorRows.InsertAsync(factory.Db, now.AddDays(-30).AddMinutes(1 + i), Endpoint);
        var oldHour = now.AddDays(-31).UtcDateTime;
        await factory.Db.ExecuteAsync("INSERT INTO error_aggregation_hours (hour_bucket) VALUES (date_trunc('hour', $1::timestamptz, 'UTC')) ON CONFLICT DO NOTHING", oldHour);
        await factory.Db.ExecuteAsync("INSERT INTO error_aggregation_hours (hour_bucket) VALUES (date_trunc('hour', $1::timestamptz, 'UTC')) ON CONFLICT DO NOTHING", now.AddDays(-1).UtcDateTime);

        var job = factory.Services.GetRequiredService<AssetForge.Features.Errors.ErrorRetention.Job>();
        Assert.True(await job.TryRunAsync(CancellationToken.None));

        Assert.Equal(3L, await CountAsync());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE created_at < $1", now.AddDays(-30).UtcDateTime));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM error_aggregation_hours WHERE hour_bucket < $1", now.AddDays(-30).AddHours(-1).UtcDateTime));
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM error_aggregation_hours WHERE hour_bucket > $1", now.AddDays(-2).UtcDateTime));
    }
}
