using Microsoft.AspNetCore.HttpOverrides;


namespace AssetForge.Infrastructure.Http;

public static class CrossOrigin
{
    /// <summary>
    /// Browsers on the origins in Cors:AllowedOrigins may call the API with a bearer token (no cookies are
    /// involved, so no credentials mode). ETag, Location and Retry-After are exposed to their scripts.
    /// </summary>
    public static IServiceCollection AddAssetForgeCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:AllowedOrigins").GetChildren()
            .Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToArray();
        return services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
            .WithExposedHeaders("ETag", "Location", "Retry-After", "Idempotent-Replayed")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    /// <summary>
    /// X-Forwarded-For/-Proto are honoured only from the proxies in ForwardedHeaders:KnownProxies (IP addresses)
    /// and ForwardedHeaders:KnownNetworks (CIDR); anyone else could forge their address to dodge the per-IP budget.
    /// </summary>
    public static IServiceCollection AddAssetForgeForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; a local process could then forge its address. Trust nobody
            // until configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in section.GetSection("KnownProxies").GetChildren().Select(c => c.Value).OfType<string>())
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in section.GetSection("KnownNetworks").GetChildren().Select(c => c.Value).OfType<string>())
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
    }
}
