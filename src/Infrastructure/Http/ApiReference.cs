using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AssetForge.Infrastructure.Http;

/// <summary>The OpenAPI document (the contract as users see it) and the Scalar reference, served with no outside requests.</summary>
public static class ApiReference
{
    public static IServiceCollection AddAssetForgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "AssetForge API",
                Version = "v1",
                Description = "Persistence API for AI asset generation: generation pipelines and their stages, " +
                              "asset material variants with statistics, and API errors with hourly aggregations. " +
                              "Errors are application/problem+json (RFC 9457); lists page by opaque cursor or by offset; " +
                              "single resources carry an ETag that PATCH/PUT/DELETE accept as If-Match.",
            };
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
        app.MapScalarApiReference(o => o
                .WithTitle("AssetForge API")
                .DisableDefaultFonts()  // fonts would come from a CDN
                .DisableTelemetry())
            .AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
