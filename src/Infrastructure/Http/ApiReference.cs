using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AssetForge.Infrastructure.Http;

/// <summary>The OpenAPI document (the contract as users see it) and the Scalar reference, served with no outside requests.</summary>
public static class ApiReference
{
    private const string Bearer = "Bearer";

    public static IServiceCollection AddAssetForgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => SchemaNames(o)
            .AddSchemaTransformer((schema, context, _) =>
            {
                // Timestamps are written by a custom converter, which hides their type from the schema exporter.
                var type = context.JsonTypeInfo.Type;
                if (context.JsonTypeInfo.Converter is ILabelledEnumConverter labelled)
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Enum = labelled.Labels.Select(label => (System.Text.Json.Nodes.JsonNode)label).ToList();
                }
                if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
                {
                    schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Format = "date-time";
                }
                return Task.CompletedTask;
            })
            .AddDocumentTransformer((document, _, _) =>
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
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT whose `sub` is the auth provider's user id; see the README's Authentication section.",
                };
                return Task.CompletedTask;
            })
            .AddOperationTransformer(async (operation, context, ct) =>
            {
                DescribeSecurity(operation, context);
                DescribeLabelledQueries(operation, context);
                await DescribeProblemsAsync(operation, context, ct);
            }));

    /// <summary>Slices nest their types (CreatePipeline.Request): name schemas after both, so they never collide.</summary>
    private static OpenApiOptions SchemaNames(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = info =>
            info.Type.IsNested && !info.Type.IsGenericType && info.Type.DeclaringType is { } outer
                ? outer.Name + info.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        return options;
    }

    /// <summary>Which operations need a token, and what happens without one, from the endpoint's own metadata.</summary>
    private static void DescribeSecurity(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any()) return;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing, expired or invalid bearer token." });
        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Identity.Authentication.AdminPolicy))
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The route is for admins." });
    }

    /// <summary>Query filters bound as text but holding enum labels ([PgEnumQuery]) list those labels.</summary>
    private static void DescribeLabelledQueries(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        foreach (var description in context.Description.ParameterDescriptions)
        {
            if (description.ParameterDescriptor is not IParameterInfoParameterDescriptor { ParameterInfo: var info }
                || info.GetCustomAttributes(false).OfType<ILabelledQuery>().FirstOrDefault() is not { } labelled
                || operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == description.Name) is not { } parameter)
                continue;
            var values = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = labelled.Labels.Select(label => (System.Text.Json.Nodes.JsonNode)label).ToList(),
            };
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = values };
        }
    }

    /// <summary>Every error answer is problem+json: say so for 4xx/5xx responses that endpoints declare bare.</summary>
    private static async Task DescribeProblemsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses is not { Count: > 0 } responses) return;
        foreach (var (code, response) in responses)
        {
            if (code.Length != 3 || code[0] is not ('4' or '5') || response is not OpenApiResponse { Content: null or { Count: 0 } } bare)
                continue;
            var document = context.Document!;
            if (document.Components?.Schemas?.ContainsKey(nameof(ProblemDetails)) != true)
                document.AddComponent<IOpenApiSchema>(nameof(ProblemDetails), await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct));
            bare.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), document) },
            };
        }
    }

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
