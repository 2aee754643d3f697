using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace AssetForge.Tests.Support;

/// <summary>
/// Checks every response the test host sends against the document the same host serves at /openapi/v1.json: the
/// status is declared for the operation, the content type is one it declares, the body validates against its
/// schema and the headers it marks required are there. A violation throws inside the server before the response
/// starts, so the HttpClient call of the test that got the answer fails with the reason.
/// Microsoft.OpenApi reads the document; JsonSchema.Net validates bodies (OpenAPI 3.1 schemas are JSON Schema 2020-12).
/// Setting ASSETFORGE_CONTRACT_REPORT to a file path records violations there instead of failing (to count them).
/// </summary>
public sealed class ContractValidationStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var contract = new ContractValidator(app.ApplicationServices);
        app.Use(contract.InvokeAsync);
        next(app);
    };
}

public sealed class ContractViolationException(string message) : Exception(message);

public sealed partial class ContractValidator(IServiceProvider services)
{
    public const string DocumentPath = "/openapi/v1.json";
    private static readonly string? ReportPath = Environment.GetEnvironmentVariable("ASSETFORGE_CONTRACT_REPORT");
    private static readonly Lock ReportLock = new();

    private readonly Lazy<Task<ContractDocument>> _document = new(() => ContractDocument.LoadAsync(services));

    // The management port (/metrics, /health) is operations' interface, not the API the document describes.
    private readonly Lazy<System.Collections.Frozen.FrozenSet<int>> _managementPorts = new(() =>
        AssetForge.Infrastructure.Telemetry.Management.PortsOf(services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()));

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path.Value ?? "";
        // The document itself, the reference UI, the management port and event streams (which must not be buffered)
        // are not checked.
        if (path.StartsWith("/openapi", StringComparison.Ordinal) || path.StartsWith("/scalar", StringComparison.Ordinal)
            || _managementPorts.Value.Contains(context.Connection.LocalPort)
            || context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
        {
            await next();
            return;
        }

        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next();
        }
        finally
        {
            context.Features.Set(original);
        }

        if (context.RequestAborted.IsCancellationRequested) return; // the client went away: nobody reads this answer
        var document = await _document.Value;
        var violations = document.Check(context.Request.Method, path, context.Response, buffer.ToArray());
        if (violations.Count > 0)
        {
            var message = $"{context.Request.Method} {path}{context.Request.QueryString} answered {context.Response.StatusCode} " +
                          "against the OpenAPI document: " + string.Join("; ", violations);
            if (ReportPath is null) throw new ContractViolationException(message);
            lock (ReportLock) File.AppendAllText(ReportPath, message + "\n");
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original.Stream, context.RequestAborted);
    }
}

/// <summary>The served document, read once per test host, with a compiled schema per response media type.</summary>
public sealed partial class ContractDocument
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    // docs/CONTRACT.md: a timestamp is UTC with exactly six fraction digits. RFC 3339's date-time admits far more, so
    // the contract's own shape replaces it for every date-time field of every answer the suite receives.
    static ContractDocument() =>
        FormatRegistry.Global.Register(new RegexFormat("date-time", @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"));

    private readonly OpenApiDocument _document;
    private readonly JsonObject _components;
    private readonly List<(Regex Pattern, int Literals, IOpenApiPathItem Item)> _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    private ContractDocument(OpenApiDocument document, JsonObject raw)
    {
        _document = document;
        _components = raw["components"]?["schemas"]?.AsObject() ?? [];
        _paths = document.Paths.Select(p => (Template(p.Key), p.Key.Split('/').Count(s => s.Length > 0 && s[0] != '{'), p.Value)).ToList();
    }

    public static async Task<ContractDocument> LoadAsync(IServiceProvider services)
    {
        var server = (TestServer)services.GetRequiredService<IServer>();
        var json = await server.CreateClient().GetStringAsync(ContractValidator.DocumentPath);
        var read = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        if (read.Document is null || read.Diagnostic?.Errors.Count > 0)
            throw new ContractViolationException("The served OpenAPI document does not parse: " +
                                                 string.Join("; ", read.Diagnostic?.Errors.Select(e => e.ToString()) ?? []));
        return new ContractDocument(read.Document, JsonNode.Parse(json)!.AsObject());
    }

    /// <summary>The document as served.</summary>
    public OpenApiDocument Document => _document;

    /// <summary>Why <paramref name="instance"/> does not match <paramref name="schema"/> (empty when it does).</summary>
    public List<string> Mismatches(IOpenApiSchema schema, JsonNode? instance)
    {
        var results = SchemaOf(schema).Evaluate(JsonSerializer.SerializeToElement(instance), Evaluation);
        return results.IsValid
            ? []
            : (results.Details ?? []).Prepend(results).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(8).ToList();
    }

    /// <summary>Every way the response disagrees with the document (empty when it conforms).</summary>
    public List<string> Check(string method, string path, HttpResponse response, byte[] body)
    {
        var violations = new List<string>();
        var status = response.StatusCode;
        var operation = Find(method, path);
        var mediaType = MediaTypeHeaderValue.TryParse(response.ContentType, out var ct) ? ct.MediaType : null;
        if (operation is null)
        {
            // A path or method the API does not have: the framework's 404/405 must still be problem+json.
            if (status >= 400 && mediaType != "application/problem+json")
                violations.Add($"an error outside any operation must be application/problem+json, not '{response.ContentType}'");
            return violations;
        }

        var responses = operation.Responses ?? new OpenApiResponses();
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.TryGetValue(code, out var declared) && !responses.TryGetValue(code[0] + "XX", out declared)
            && !responses.TryGetValue("default", out declared))
        {
            violations.Add($"status {status} is not declared (declared: {string.Join(", ", responses.Keys)})");
            return violations;
        }

        foreach (var (name, header) in declared.Headers ?? new Dictionary<string, IOpenApiHeader>())
            if (header.Required && !response.Headers.ContainsKey(name))
                violations.Add($"required header {name} is missing");

        var content = declared.Content ?? new Dictionary<string, OpenApiMediaType>();
        if (body.Length == 0 || method == "HEAD")
        {
            if (content.Count > 0 && method != "HEAD") violations.Add($"the body is empty but {string.Join(", ", content.Keys)} is declared");
            return violations;
        }
        if (mediaType is null || !content.TryGetValue(mediaType, out var media))
        {
            violations.Add($"content type '{response.ContentType}' is not declared (declared: {string.Join(", ", content.Keys)})");
            return violations;
        }
        if (media.Schema is null || !mediaType.EndsWith("json", StringComparison.Ordinal)) return violations;

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            violations.Add($"the body is not JSON: {e.Message}");
            return violations;
        }
        var results = SchemaOf(media.Schema).Evaluate(instance, Evaluation);
        if (!results.IsValid)
        {
            var errors = (results.Details ?? []).Prepend(results).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
                .Distinct().Take(8).ToList();
            violations.Add("the body does not match its schema: " + string.Join(" | ", errors.Count > 0 ? errors : ["invalid"]) +
                           " — body: " + Truncate(Encoding.UTF8.GetString(body)));
        }
        return violations;
    }

    private OpenApiOperation? Find(string method, string path)
    {
        var httpMethod = new HttpMethod(method);
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        // Routing prefers literal segments over parameters ("/pipelines/statistics" over "/pipelines/{id}").
        return _paths.Where(p => p.Pattern.IsMatch(trimmed))
            .OrderByDescending(p => p.Literals)
            .Select(p => p.Item.Operations?.GetValueOrDefault(httpMethod))
            .FirstOrDefault(o => o is not null);
    }

    /// <summary>The media type's schema as JSON Schema 2020-12, with the components as $defs so its $refs resolve.</summary>
    private JsonSchema SchemaOf(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return _schemas.GetOrAdd(text.ToString(), json =>
        {
            var root = JsonNode.Parse(Rebase(json))!.AsObject();
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$defs"] = JsonNode.Parse(Rebase(_components.ToJsonString()));
            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() },
                new Uri($"urn:assetforge:schema:{Guid.NewGuid():N}"));
        });
    }

    private static string Rebase(string json) => json.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);

    private static Regex Template(string template) =>
        new("^" + ParameterSegment().Replace(Regex.Escape(template.Length > 1 ? template.TrimEnd('/') : template).Replace(@"\{", "{"), "[^/]+") + "$");

    private static string Truncate(string s) => s.Length <= 600 ? s : s[..600] + "…";

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex ParameterSegment();
}
