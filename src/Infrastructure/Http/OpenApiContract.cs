using System.Text.Json.Nodes;
using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AssetForge.Infrastructure.Http;

/// <summary>Endpoint metadata: the operation answers with an ETag (GET: If-None-Match → 304; writes: If-Match → 412).</summary>
public sealed class ETaggedMetadata;

/// <summary>Endpoint metadata: a repeatable query parameter that takes exactly these labels.</summary>
public sealed record QueryLabelsMetadata(string Name, IReadOnlyCollection<string> Labels);

/// <summary>Endpoint metadata: a realistic request and response body Scalar and generated clients show.</summary>
public sealed record ExampleMetadata(string? Request, string Response);

public static class OpenApiContractExtensions
{
    /// <summary>The answer carries the resource's ETag; reads honour If-None-Match, writes If-Match.</summary>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ETaggedMetadata()).AddEndpointFilter(ETags.NotModifiedAsync);

    /// <summary>Documents a repeatable string query parameter whose values are <typeparamref name="TEnum"/>'s labels.</summary>
    public static RouteHandlerBuilder WithQueryLabels<TEnum>(this RouteHandlerBuilder builder, string name) where TEnum : struct, Enum =>
        builder.WithMetadata(new QueryLabelsMetadata(name, PgEnumLabels<TEnum>.All));

    /// <summary>A request body (JSON, or null for none) and the success body it gets, as examples in the document.</summary>
    public static RouteHandlerBuilder WithExample(this RouteHandlerBuilder builder, string? request, string response) =>
        builder.WithMetadata(new ExampleMetadata(request, response));
}

/// <summary>
/// Makes the generated document say everything the API answers: the statuses the plumbing adds (400 for a
/// malformed path or query value, 413/415 on bodies, 429 on writes, 500/503 everywhere), every error as the
/// one extensible problem schema, the ETag/Location/Retry-After headers, the conditional-request headers,
/// optional filters as optional, no body on GET/DELETE, and per-operation security.
/// </summary>
internal static class OpenApiContract
{
    public const string Problem = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    public static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        var path = "/" + (description.RelativePath ?? "").TrimStart('/');
        var isWrite = method is "POST" or "PUT" or "PATCH" or "DELETE";
        var document = context.Document!;
        operation.Responses ??= new OpenApiResponses();
        var responses = operation.Responses;

        if (method is "GET" or "DELETE" or "HEAD") operation.RequestBody = null; // an inferred array parameter is not a body

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            // A repeatable filter may be absent (the generator marks every array parameter required).
            if (parameter.In == ParameterLocation.Query && parameter.Schema?.Type == JsonSchemaType.Array) parameter.Required = false;
            if (metadata.OfType<QueryLabelsMetadata>().FirstOrDefault(q => q.Name == parameter.Name) is { } labels)
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = labels.Labels.Select(l => (JsonNode)l).ToList() },
                };
            if (parameter.In == ParameterLocation.Query && parameter.Schema is OpenApiSchema { } s && parameter.Name is "limit" or "page")
            {
                // Bounds the handlers enforce (Paging): limit 1..100 (default 20), page from 1.
                s.Type = JsonSchemaType.Integer;
                s.Format = "int32";
                s.Minimum = "1";
                if (parameter.Name == "limit") s.Maximum = Paging.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                s.Default = parameter.Name == "limit" ? Paging.DefaultLimit : 1;
            }
            parameter.Description ??= DescribeParameter(parameter);
        }

        var hasPathOrQuery = operation.Parameters?.Any(p => p.In is ParameterLocation.Path or ParameterLocation.Query) == true;
        if (hasPathOrQuery || operation.RequestBody is not null)
            AddProblem(responses, 400, "A parameter or the body is not valid (each offending field is named in `errors`).");
        if (operation.RequestBody is not null)
        {
            AddProblem(responses, 413, "The body is larger than the server accepts.");
            AddProblem(responses, 415, "The body is not application/json.");
        }

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (path.StartsWith("/api/", StringComparison.Ordinal) && isWrite)
        {
            AddProblem(responses, 429, anonymous
                ? "The anonymous write budget of this IP is spent; retry after Retry-After seconds."
                : "The caller's write budget is spent; retry after Retry-After seconds.");
            Header(responses["429"], "Retry-After", "Seconds to wait before retrying.", required: true, JsonSchemaType.Integer);
        }
        AddProblem(responses, 500, "An unexpected error; quote the traceId when reporting it.");
        if (path != "/health/live")
        {
            // DatabaseOutage: unreachable or refusing is a 503, no answer in time a 504; both say when to retry.
            // Readiness also answers 503 while migrations are missing or the process drains: no retry time then.
            var api = path.StartsWith("/api/", StringComparison.Ordinal);
            AddProblem(responses, 503, "The database is unavailable; retry after Retry-After seconds.");
            Header(responses["503"], "Retry-After", "Seconds to wait before retrying.", required: api, JsonSchemaType.Integer);
            if (api)
            {
                AddProblem(responses, 504, "The database did not answer in time; retry after Retry-After seconds.");
                Header(responses["504"], "Retry-After", "Seconds to wait before retrying.", required: true, JsonSchemaType.Integer);
            }
        }

        if (responses.TryGetValue("201", out var created))
            Header(created, "Location", "The URL of the created resource.", required: true, JsonSchemaType.String);

        if (metadata.OfType<ETaggedMetadata>().Any())
        {
            foreach (var (code, response) in responses)
                if (code is "200" or "201") Header(response, "ETag", "The resource's current version; send it back as If-Match.", required: true, JsonSchemaType.String);
            if (method == "GET")
            {
                AddHeaderParameter(operation, "If-None-Match", "ETags the caller holds; when one is current the answer is 304 with no body.");
                if (!responses.ContainsKey("304"))
                {
                    var notModified = new OpenApiResponse { Description = "Not modified: the If-None-Match ETag is current." };
                    Header(notModified, "ETag", "The resource's current version.", required: true, JsonSchemaType.String);
                    responses["304"] = notModified;
                }
            }
        }
        if (isWrite && responses.ContainsKey("412"))
            AddHeaderParameter(operation, "If-Match", "Apply only if the resource still has one of these ETags (else 412); `*` or absent: unconditionally.");

        DescribeSecurity(operation, context, path, anonymous);

        // Every error answer is the one problem schema, whatever the endpoint declared.
        foreach (var (code, response) in responses)
        {
            if (code.Length != 3 || code[0] is not ('4' or '5') || response is not OpenApiResponse concrete) continue;
            concrete.Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(Problem, document) } };
            if (string.IsNullOrEmpty(concrete.Description) || concrete.Description is "Bad Request" or "Not Found" or "Conflict" or "Forbidden")
                concrete.Description = DefaultDescription(code);
        }

        if (metadata.OfType<ExampleMetadata>().FirstOrDefault() is { } example)
        {
            if (example.Request is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                body.Example = JsonNode.Parse(example.Request);
            var success = responses.FirstOrDefault(r => r.Key[0] == '2' && r.Value.Content?.ContainsKey("application/json") == true);
            if (success.Value?.Content?["application/json"] is { } media) media.Example = JsonNode.Parse(example.Response);
        }

        return Task.CompletedTask;
    }

    /// <summary>Who may call: a bearer token; optional where anonymous callers are allowed; nothing on health routes.</summary>
    private static void DescribeSecurity(OpenApiOperation operation, OpenApiOperationTransformerContext context, string path, bool anonymous)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiReference.Bearer, context.Document)] = [] };
        if (!metadata.OfType<IAuthorizeData>().Any() || anonymous)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                operation.Security = [];
                return;
            }
            operation.Security = [new OpenApiSecurityRequirement(), bearer]; // a token is optional and used when present
            AddProblem(operation.Responses!, 401, "A token was sent but is invalid or expired: send a valid one, or none.");
            return;
        }
        operation.Security = [bearer];
        AddProblem(operation.Responses!, 401, "Missing, expired or invalid bearer token.");
        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Identity.Authentication.AdminPolicy))
            AddProblem(operation.Responses!, 403, "The route is for admins.");
    }

    private static void AddProblem(OpenApiResponses responses, int status, string description) =>
        responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse { Description = description });

    private static void Header(IOpenApiResponse response, string name, string description, bool required, JsonSchemaType type)
    {
        if (response is not OpenApiResponse concrete) return;
        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
        concrete.Headers[name] = new OpenApiHeader { Description = description, Required = required, Schema = new OpenApiSchema { Type = type } };
    }

    private static void AddHeaderParameter(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == name)) return;
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = "\"1234\"",
        });
    }

    private static string DescribeParameter(OpenApiParameter parameter) => parameter.Name switch
    {
        "id" or "baseAssetId" or "stageId" => "The resource's id (UUID); a malformed one is a 400.",
        "taskId" => "The external task id.",
        "cursor" => "The `nextCursor` of the previous page; omit for the first page. Only valid with the same filters.",
        "limit" => $"Page size, 1..{Paging.MaxLimit}.",
        "page" => "1-based page number.",
        "userId" => "Admins: restrict to this user's rows. Members may only name themselves.",
        "status" => "Only these statuses (repeat the parameter for several).",
        "severity" => "Only these severities (repeat for several).",
        "category" => "Only these categories (repeat for several).",
        "from" => "Start of the period (ISO 8601, inclusive).",
        "to" => "End of the period (ISO 8601, exclusive).",
        "endpoint" => "Only errors of this endpoint.",
        "resolved" => "Only resolved (true) or unresolved (false) errors.",
        "olderThan" => "Delete rows created before this instant (ISO 8601).",
        "resolvedOnly" => "Delete only resolved errors.",
        "activeOnly" => "Only active variants.",
        "presetId" => "Only variants of this preset.",
        "externalService" => "Only buckets of this external service.",
        "statusCode" => "Only buckets of this HTTP status.",
        _ => $"The {parameter.Name} value.",
    };

    private static string DefaultDescription(string code) => code switch
    {
        "400" => "A parameter or the body is not valid (each offending field is named in `errors`).",
        "403" => "The caller may not do this.",
        "404" => "No such resource visible to the caller.",
        "409" => "The request conflicts with the resource's current state.",
        "412" => "If-Match named none of the resource's current ETags.",
        _ => "An error.",
    };

    /// <summary>
    /// Finishing touches over the whole document: the problem schema (open to extensions such as traceId and
    /// errors), JSON values that may be anything, nullable free-form fields without oneOf, a relative server.
    /// </summary>
    public static Task FinishDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        var configured = context.ApplicationServices.GetRequiredService<IConfiguration>()["Api:PublicUrl"];
        document.Servers = [new OpenApiServer { Url = string.IsNullOrEmpty(configured) ? "/" : configured, Description = "This server." }];

        var schemas = document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        schemas[Problem] = ProblemSchema();
        schemas.Remove("HttpValidationProblemDetails");
        // The event-stream operations describe each event's payload themselves (PipelineEventDocs), so the schema
        // the framework derives for the SseItem<T> wrapper is referenced by nothing: an unused component.
        foreach (var wrapper in schemas.Keys.Where(k => k.StartsWith("SseItemOf", StringComparison.Ordinal)).ToList())
            schemas.Remove(wrapper);
        if (schemas.TryGetValue("JsonElement", out var any) && any is OpenApiSchema anySchema)
            anySchema.Description = "Any JSON value (free-form; objects and arrays may nest).";
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                // oneOf [null, JsonElement] is satisfied twice by null (so never): JsonElement already admits null.
                if (property is OpenApiSchema { OneOf: { Count: 2 } oneOf } && oneOf.Any(o => o is OpenApiSchemaReference { Reference.Id: "JsonElement" })
                    && oneOf.Any(o => o is OpenApiSchema { Type: JsonSchemaType.Null }))
                    schema.Properties![name] = new OpenApiSchemaReference("JsonElement", document) { Description = property.Description ?? Described(oneOf) };
                // A nullable reference is oneOf [null, $ref]: the field's description sits on the $ref; say it on the field.
                else if (property is OpenApiSchema { OneOf: { Count: > 0 } alternatives, Description: null } nullable)
                    nullable.Description = Described(alternatives);
            }
        }
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            tag.Description ??= tag.Name switch
            {
                "Operations" => "Liveness and readiness probes (no token).",
                "Identity" => "The caller as the API knows them.",
                "Assets" => "Generated 3D assets owned by users.",
                "Pipelines" => "Generation pipelines and their ordered stages.",
                "Errors" => "Error reports, their resolution, statistics and hourly aggregations.",
                "Variants" => "Material variants of a base asset, their gallery order and statistics.",
                _ => null,
            };
        return Task.CompletedTask;
    }

    private static string? Described(IList<IOpenApiSchema> alternatives) =>
        alternatives.OfType<OpenApiSchemaReference>().Select(r => r.Description).FirstOrDefault(d => !string.IsNullOrEmpty(d));

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Extension members may be added; clients must ignore those they do not know.",
        Required = new HashSet<string> { "type", "title", "status", "detail", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the problem type (`about:blank`: the status says it all).", Examples = ["about:blank"] },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem type.", Examples = ["Bad Request"] },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599", Description = "The HTTP status.", Examples = [400] },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request.", Examples = ["One or more request values are not valid."] },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI identifying this occurrence." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the request; quote it when reporting a problem.", Examples = ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"] },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation failures: field path (`stages[1].name`) → messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                Examples = [new JsonObject { ["stages"] = new JsonArray("'stages' must not be empty.") }],
            },
        },
        AdditionalPropertiesAllowed = true,
    };
}
