using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AssetForge.Tests.Support;

/// <summary>
/// Routes a test class adds behind the application's whole pipeline (which has already authenticated, rate-limited
/// and set up exception handling), so its probes are answered as real endpoints are.
/// </summary>
public sealed class ProbeEndpoints(Action<IEndpointRouteBuilder> map, bool authorize) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.UseRouting();
        if (authorize) app.UseAuthorization();
        app.UseEndpoints(map);
    };
}

public static class ProbeEndpointsExtensions
{
    /// <param name="authorize">Run authorization for the probes (their own policies) after routing.</param>
    public static IServiceCollection AddProbeEndpoints(this IServiceCollection services, Action<IEndpointRouteBuilder> map,
        bool authorize = false) =>
        services.AddSingleton<IStartupFilter>(new ProbeEndpoints(map, authorize));
}
