using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Headers every answer gets, set as the response starts so that error pages, 304s, preflights and short-circuits
/// get them too; and no Server header (it only tells attackers what runs here).
/// </summary>
public static class ResponseHeaders
{
    public static IServiceCollection AddAssetForgeResponseHeaders(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);

    /// <summary>First in the pipeline, so nothing answers without these headers.</summary>
    public static IApplicationBuilder UseAssetForgeResponseHeaders(this IApplicationBuilder app)
    {
        // The CORS middleware adds Vary: Origin only when it has several origins to choose from; with one, a shared
        // cache could still hand a response without Access-Control-Allow-Origin to that origin's browser, or the other
        // way round. So whenever CORS may reflect an origin, every answer says it varies by Origin.
        var corsEnabled = app.ApplicationServices.GetRequiredService<IOptions<CorsSettings>>().Value.AllowedOrigins.Any(o => o.Length > 0);
        return app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var response = http.Response;
                response.Headers.XContentTypeOptions = "nosniff";
                // An authenticated answer is one caller's data: neither a shared cache nor the browser's may keep it.
                if (http.User.Identity?.IsAuthenticated == true && (IsJson(response.ContentType) || response.StatusCode == StatusCodes.Status304NotModified))
                    response.Headers.CacheControl = "no-store";
                if (corsEnabled && !response.Headers.Vary.Any(v => v?.Contains(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase) == true))
                    response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                return Task.CompletedTask;
            });
            return next(http);
        });
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
