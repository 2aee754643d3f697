using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Http;

public static class CrossOrigin
{
    /// <summary>
    /// Browsers on the origins in Cors:AllowedOrigins may call the API with a bearer token (no cookies are
    /// involved, so no credentials mode). ETag, Location and Retry-After are exposed to their scripts.
    /// </summary>
    public static IServiceCollection AddAssetForgeCors(this IServiceCollection services)
    {
        services.AddCors();
        return services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((o, settings) => o.AddDefaultPolicy(p => p
            .WithOrigins([.. settings.Value.AllowedOrigins.Where(origin => origin.Length > 0)])
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
            .WithExposedHeaders("ETag", "Location", "Retry-After", "Idempotent-Replayed")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10)))).Services;
    }

    /// <summary>
    /// The framework's CORS middleware, with its per-request <see cref="ICorsPolicyProvider"/> parameter resolved once:
    /// <c>UseCors()</c> binds that parameter by reflection on every request under NativeAOT (no compiled expressions),
    /// 0.8 % of a get-pipeline's CPU in a profile.
    /// </summary>
    public static IApplicationBuilder UseAssetForgeCors(this IApplicationBuilder app) => app.Use(next =>
    {
        var services = app.ApplicationServices;
        var cors = new CorsMiddleware(next, services.GetRequiredService<ICorsService>(), services.GetRequiredService<ILoggerFactory>());
        var policies = services.GetRequiredService<ICorsPolicyProvider>();
        return http => cors.Invoke(http, policies);
    });

    /// <summary>
    /// X-Forwarded-For/-Proto are honoured only from the proxies in ForwardedHeaders:KnownProxies (IP addresses)
    /// and ForwardedHeaders:KnownNetworks (CIDR); anyone else could forge their address to dodge the per-IP budget.
    /// </summary>
    public static IServiceCollection AddAssetForgeForwardedHeaders(this IServiceCollection services) =>
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; a local process could then forge its address. Trust nobody
            // until configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.KnownProxies) o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in settings.Value.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }).Services;
}
