using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AssetForge.Infrastructure.Http;

/// <summary>The OpenAPI document (the contract as users see it) and the Scalar reference, served with no outside requests.</summary>
public static class ApiReference
{
    private const string Bearer = "Bearer";

    public static IServiceCollection AddAssetForgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT whose `sub` is the auth provider's user id; see the README's Authentication section.",
            };
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
        }).AddOperationTransformer((operation, context, _) =>
        {
            // Say which operations need a token (and what happens without one), from the endpoint's own metadata.
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing, expired or invalid bearer token." });
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Identity.Authentication.AdminPolicy))
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The route is for admins." });
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
