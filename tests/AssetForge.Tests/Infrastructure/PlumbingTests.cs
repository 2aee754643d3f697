using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// Every error path of the shared plumbing answers problem+json with a 4xx (or a bare 500), whatever the route.
/// Two probe endpoints stand in for a slice: one that binds a JSON body and query values, one that throws.
/// </summary>
public sealed class PlumbingTests(PlumbingTests.Factory factory) : IClassFixture<PlumbingTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Api:MaxRequestBodyBytes", "1024")];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddProbeEndpoints(MapProbes));
        }
    }

    public sealed record ProbeBody(string Name, int Count, DateTimeOffset? At, AssetForge.Features.Errors.ErrorCategory? Category = null);

    private static void MapProbes(IEndpointRouteBuilder e)
    {
        e.MapPost("/_probe/echo", (ProbeBody body, int? limit) => TypedResults.Ok(body));
        e.MapGet("/_probe/throw", IResult () => throw new InvalidOperationException("secret internals at Foo.Bar()"));
    }

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public void Configuration_files_are_read_once_not_watched()
    {
        // A watcher over the content root wakes on every write beneath it (a local database's files, logs).
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
    }

    [Fact]
    public void Validation_messages_name_each_property_once_not_on_every_request()
    {
        _ = factory.Services; // the host has installed its display-name resolver
        var member = typeof(ProbeBody).GetProperty(nameof(ProbeBody.Name))!;
        var first = ValidatorOptions.Global.DisplayNameResolver(typeof(ProbeBody), member, null);
        Assert.Equal("name", first);
        Assert.Same(first, ValidatorOptions.Global.DisplayNameResolver(typeof(ProbeBody), member, null));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var response = await _client.GetAsync("/api/does-not-exist");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem_with_allow()
    {
        var response = await _client.DeleteAsync("/health/live");
        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var v) ? v : []));
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        var response = await _client.PostAsync("/_probe/echo", Http.Json("""{"name":"a","count":1}""", "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Valid_body_round_trips_with_utc_timestamps()
    {
        var response = await _client.PostAsync("/_probe/echo", Http.Json("""{"name":"a","count":1,"at":"2026-01-02T03:04:05.123456+02:00"}"""));
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("2026-01-02T01:04:05.123456Z", body.GetProperty("at").GetString());
    }

    [Theory]
    [InlineData("""{"name":"a","count":1""", "count")]                // truncated after the last value
    [InlineData("""{"name":"a","count":"many"}""", "count")]          // wrong type
    [InlineData("""{"name":"a","count":1,"extra":true}""", "extra")]  // unknown property
    [InlineData("""{"name":null,"count":1}""", "name")]               // null for a non-nullable
    [InlineData("""{"name":"a","count":1,"at":"yesterday"}""", "at")] // not a timestamp
    [InlineData("not json at all", "body")]
    public async Task Malformed_json_is_a_400_problem_naming_the_field(string json, string field)
    {
        var response = await _client.PostAsync("/_probe/echo", Http.Json(json));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.DoesNotContain("AssetForge", messages.ToString());
        Assert.DoesNotContain("System.", messages.ToString());
    }

    [Fact]
    public async Task Enum_values_travel_exactly_as_their_postgres_labels()
    {
        var ok = await (await _client.PostAsync("/_probe/echo", Http.Json("""{"name":"a","count":1,"category":"external_api"}""")))
            .AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("external_api", ok.GetProperty("category").GetString());

        foreach (var wrong in new[] { "\"External_Api\"", "\"externalApi\"", "3", "\"nonsense\"" })
        {
            var problem = await (await _client.PostAsync("/_probe/echo", Http.Json($$"""{"name":"a","count":1,"category":{{wrong}}}""")))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("external_api", problem.GetProperty("errors").GetProperty("category")[0].GetString());
        }
    }

    [Fact]
    public async Task Empty_body_is_a_400_problem()
    {
        var response = await _client.PostAsync("/_probe/echo", Http.Json(""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Query_value_of_the_wrong_type_is_a_400_problem_naming_it()
    {
        var response = await _client.PostAsync("/_probe/echo?limit=ten", Http.Json("""{"name":"a","count":1}"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("integer", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    [Fact]
    public async Task Body_over_the_limit_is_a_413_problem()
    {
        var big = $$"""{"name":"{{new string('x', 2000)}}","count":1}""";
        var response = await _client.PostAsync("/_probe/echo", Http.Json(big));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_a_413_problem()
    {
        var big = $$"""{"name":"{{new string('x', 2000)}}","count":1}""";
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/_probe/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await _client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_without_internals()
    {
        var response = await _client.GetAsync("/_probe/throw");
        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        var text = problem.ToString();
        Assert.DoesNotContain("secret internals", text);
        Assert.DoesNotContain("Foo.Bar", text);
        Assert.DoesNotContain(" at ", problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("exception", out _));
    }
}
