using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The pool and statement defaults README promises for what the connection string leaves unsaid.</summary>
public sealed class DatabaseDefaultsTests(DatabaseDefaultsTests.Factory factory) : IClassFixture<DatabaseDefaultsTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override string PoolSettings => ""; // the connection string as an operator would write it
    }

    [Fact]
    public void What_the_connection_string_leaves_out_gets_the_documented_defaults()
    {
        var used = new NpgsqlConnectionStringBuilder(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(Math.Clamp(4 * Environment.ProcessorCount, 8, 100), used.MaxPoolSize);
        Assert.Equal(64, used.MaxAutoPrepare);
        Assert.True(used.NoResetOnClose);
    }

    [Fact]
    public async Task A_started_host_holds_a_pooled_connection_before_its_first_request()
    {
        // Nothing has been requested of this host: the connection is the start-up's own, opened so that the first
        // request does not wait for Npgsql to load the database's types.
        _ = factory.Services;
        await Arrange.WaitUntilAsync(async () => await factory.Db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'assetforge-api'") >= 1,
            "a pooled connection opened at start-up", seconds: 5);
    }

    [Theory]
    [InlineData("Maximum Pool Size=3;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("MaxPoolSize=3;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void What_it_says_wins_under_any_synonym(string settings)
    {
        var builder = new NpgsqlSlimDataSourceBuilder("Host=localhost;" + settings);
        Database.Configure(builder);

        Assert.Equal(3, builder.ConnectionStringBuilder.MaxPoolSize);
        Assert.Equal(0, builder.ConnectionStringBuilder.MaxAutoPrepare);
        Assert.False(builder.ConnectionStringBuilder.NoResetOnClose);
    }
}
