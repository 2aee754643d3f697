using System.Net;
using System.Text.RegularExpressions;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

public sealed class ApiReferenceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task OpenApi_document_is_served_and_describes_the_api()
    {
        var doc = await (await _client.GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        Assert.Equal("AssetForge API", doc.GetProperty("info").GetProperty("title").GetString());
        Assert.True(doc.GetProperty("paths").TryGetProperty("/health/ready", out _));
    }

    [Fact]
    public async Task Scalar_reference_loads_nothing_from_outside()
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = true });
        var response = await client.GetAsync("/scalar/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);

        // Every script and stylesheet the page loads is served by the API itself.
        var sources = Regex.Matches(html, """(?:src|href)="([^"]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.False(Regex.IsMatch(s, "^(https?:)?//"), $"external resource {s}"));
        foreach (var s in sources.Where(s => s.EndsWith(".js")))
        {
            var asset = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), s));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }

        // Fonts would come from a CDN, telemetry would call home: both are off in the page's configuration.
        Assert.Contains("\"withDefaultFonts\":false", html.Replace(" ", ""));
        Assert.Contains("\"telemetry\":false", html.Replace(" ", ""));
        Assert.DoesNotContain("fonts.scalar.com", html);
    }
}
