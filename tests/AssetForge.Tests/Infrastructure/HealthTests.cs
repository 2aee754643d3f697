using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

public sealed class HealthTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Live_answers_200()
    {
        var body = await (await _client.GetAsync("/health/live")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("live", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_200_once_migrated_and_503_when_a_migration_is_missing()
    {
        var body = await (await _client.GetAsync("/health/ready")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("ready", body.GetProperty("status").GetString());

        // Pretend V2 was never applied: readiness must notice without a restart.
        await factory.Db.ExecuteAsync("UPDATE assetforge_changelog SET success = false WHERE version = '2'");
        try
        {
            var problem = await (await _client.GetAsync("/health/ready")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("2", problem.GetProperty("detail").GetString());
        }
        finally
        {
            await factory.Db.ExecuteAsync("UPDATE assetforge_changelog SET success = true WHERE version = '2'");
        }
    }
}
