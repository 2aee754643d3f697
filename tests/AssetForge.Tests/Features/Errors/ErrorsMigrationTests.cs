using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Infrastructure;
using AssetForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AssetForge.Tests.Features.Errors;

public sealed class ErrorsMigrationTests
{
    [Fact]
    public async Task Aggregated_hours_must_start_on_a_whole_utc_hour()
    {
        await using var db = NpgsqlDataSource.Create(await (await PostgresServer.GetAsync()).CreateMigratedDatabaseAsync());
        await db.ExecuteAsync("INSERT INTO error_aggregation_hours (hour_bucket) VALUES ('2031-01-01T10:00:00+05:00')");
        foreach (var notOnTheHour in new[] { "2031-01-01T10:30:00Z", "2031-01-01T10:00:00.5Z", "2031-01-01T10:00:00+05:30" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() =>
                db.ExecuteAsync($"INSERT INTO error_aggregation_hours (hour_bucket) VALUES ('{notOnTheHour}')"));
            Assert.True(e.IsCheckViolation("error_aggregation_hours_on_the_hour"), e.Message);
        }
    }

    [Fact]
    public async Task Rolling_back_V4_drops_only_the_aggregated_hours_and_migrating_brings_them_back()
    {
        var cs = await (await PostgresServer.GetAsync()).CreateMigratedDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        await db.ExecuteAsync("INSERT INTO error_aggregations (hour_bucket, total_errors) VALUES ('2031-01-01T10:00Z', 3)");

        await MigrationTests.RollBackAsync(db, downTo: 4);

        Assert.Null(await db.ScalarAsync<string>("SELECT to_regclass('error_aggregation_hours')::text"));
        Assert.DoesNotContain("4", await db.ColumnAsync<string>("SELECT version FROM assetforge_changelog WHERE version IS NOT NULL"));
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT total_errors FROM error_aggregations"));

        Migrations.Apply(cs, NullLogger.Instance);
        Assert.Equal("error_aggregation_hours", await db.ScalarAsync<string>("SELECT to_regclass('error_aggregation_hours')::text"));
    }
}
