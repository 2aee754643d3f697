using AssetForge.Infrastructure.Http;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// The response validator every test host runs can fail: probe routes that answer other than they declare make
/// the caller's request throw, naming what disagrees with the served document.
/// </summary>
public sealed class ContractValidatorTests(ContractValidatorTests.Factory factory) : IClassFixture<ContractValidatorTests.Factory>
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
        var probes = e.MapGroup("/_contract").AllowAnonymous();
        // Declares a HealthBody ({"status": string, "checks": [...]}) and sends a number.
        probes.MapGet("/wrong-body", () => Results.Content("""{"status":1,"checks":[]}""", "application/json")).Produces<HealthBody>();
        // Declares 200 only and answers 418.
        probes.MapGet("/wrong-status", () => Results.StatusCode(StatusCodes.Status418ImATeapot)).Produces<HealthBody>();
        // Declares an ETag and sends none.
        probes.MapGet("/no-etag", () => TypedResults.Ok(new HealthBody("live", []))).WithETag();
        // Conforms: the control.
        probes.MapGet("/fine", () => TypedResults.Ok(new HealthBody("live", [])));
    }

    [Theory]
    [InlineData("/_contract/wrong-body", "does not match its schema")]
    [InlineData("/_contract/wrong-status", "status 418 is not declared")]
    [InlineData("/_contract/no-etag", "required header ETag is missing")]
    public async Task A_response_that_disagrees_with_the_document_fails_the_request(string path, string reason)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => factory.CreateClient().GetAsync(path));
        var violation = error as ContractViolationException ?? error.InnerException as ContractViolationException;
        Assert.NotNull(violation);
        Assert.Contains(reason, violation.Message);
    }

    [Fact]
    public async Task A_conforming_response_passes()
    {
        var response = await factory.CreateClient().GetAsync("/_contract/fine");
        await response.AssertStatusAsync(System.Net.HttpStatusCode.OK);
    }
}
