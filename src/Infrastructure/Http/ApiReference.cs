using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AssetForge.Infrastructure.Http;

/// <summary>The OpenAPI document (the contract as users see it) and the Scalar reference, served with no outside requests.</summary>
public static class ApiReference
{
    internal const string Bearer = "Bearer";

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
                else if (Nullable.GetUnderlyingType(type) is { IsEnum: true } underlying
                         && context.JsonTypeInfo.Options.GetTypeInfo(underlying).Converter is ILabelledEnumConverter nullableLabels)
                {
                    // A nullable enum: its labels or null (else the exporter leaves it untyped).
                    schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
                    schema.OneOf = null;
                    schema.Enum = [.. nullableLabels.Labels.Select(label => (System.Text.Json.Nodes.JsonNode)label), null!];
                }
                if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
                {
                    schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Format = "date-time";
                }
                return Task.CompletedTask;
            })
            .AddSchemaTransformer(ValidationSchemas.DescribeAsync)
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
                    Contact = new OpenApiContact { Name = "AssetForge API maintainers" },
                    License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-AssetForge-Proprietary" },
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
            .AddOperationTransformer(OpenApiContract.DescribeOperationAsync)
            .AddOperationTransformer((operation, context, _) =>
            {
                DescribeLabelledQueries(operation, context);
                return Task.CompletedTask;
            })
            .AddDocumentTransformer(OpenApiContract.FinishDocumentAsync));

    /// <summary>Slices nest their types (CreatePipeline.Request): name schemas after both, so they never collide.</summary>
    private static OpenApiOptions SchemaNames(OpenApiOptions options)
    {
        // Component names must match ^[a-zA-Z0-9.\-_]+$: the default gives SseItem<byte[]> "SseItemOfByte[]".
        // StoredJson is JsonElement on the wire (any JSON value), read without a document: one schema for both.
        options.CreateSchemaReferenceId = info =>
            (Nullable.GetUnderlyingType(info.Type) ?? info.Type) == typeof(StoredJson) ? "JsonElement" :
            (info.Type.IsNested && !info.Type.IsGenericType && info.Type.DeclaringType is { } outer
                ? outer.Name + info.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(info))?.Replace("[]", "Array", StringComparison.Ordinal);
        return options;
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

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
        app.MapScalarApiReference(o => o
                .WithTitle("AssetForge API")
                .DisableDefaultFonts()  // fonts would come from a CDN
                .DisableTelemetry()
                .AddPreferredSecuritySchemes(Bearer)) // "Try it" opens with the bearer token field
            .AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
