using System.Net;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Features.Errors;

public sealed class AnonymousReportLimitTests(AnonymousReportLimitTests.Factory factory) : IClassFixture<AnonymousReportLimitTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("RateLimiting:Anonymous:PermitLimit", "2"), new("RateLimiting:Anonymous:WindowSeconds", "3600")];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, PeerAddressFilter>());
        }
    }

    private static HttpRequestMessage Report(string endpoint, string peer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/errors")
        {
            Content = Http.Json($$"""{"endpoint":"{{endpoint}}","method":"GET","message":"flood"}"""),
        };
        request.Headers.Add(PeerAddressFilter.Header, peer);
        return request;
    }

    [Fact]
    public async Task Anonymous_reports_spend_a_per_ip_budget_and_signed_in_ones_do_not()
    {
        var endpoint = $"/flood-{Guid.NewGuid():N}";
        var anonymous = factory.CreateClient();
        for (var i = 0; i < 2; i++) await (await anonymous.SendAsync(Report(endpoint, "203.0.113.50"))).AssertStatusAsync(HttpStatusCode.Created);

        var limited = await anonymous.SendAsync(Report(endpoint, "203.0.113.50"));
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);

        // Another address has its own budget; a signed-in reporter spends their user budget, not the address's.
        await (await anonymous.SendAsync(Report(endpoint, "203.0.113.51"))).AssertStatusAsync(HttpStatusCode.Created);
        var user = await factory.SignInAsync();
        await (await user.Client.SendAsync(Report(endpoint, "203.0.113.50"))).AssertStatusAsync(HttpStatusCode.Created);

        Assert.Equal(4L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE endpoint = $1", endpoint));
    }
}
