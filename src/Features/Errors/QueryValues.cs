using System.Globalization;
using System.Text.Json.Nodes;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AssetForge.Features.Errors;

/// <summary>
/// Query-string values read as text and parsed here, so a bad value is a 400 naming its field: the generated
/// request delegates (AOT) answer a bare 400 for an unparsable nullable value (bool?, Guid?, DateTimeOffset?, int?)
/// without saying which one. <see cref="QueryParameterDescriptions.DescribeQuery"/> keeps the OpenAPI types exact all the same.
/// </summary>
internal sealed class QueryValues
{
    private Dictionary<string, string[]>? _errors;

    public ValidationProblem? Problem => _errors is null ? null : Problems.Validation(_errors);

    public void Fail(string field, string message)
    {
        _errors ??= new Dictionary<string, string[]>();
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>An empty value ("?cursor=") means the same as an absent one.</summary>
    public static string? Text(string? raw) => string.IsNullOrEmpty(raw) ? null : raw;

    public Guid? Uuid(string? raw, string field)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        if (Guid.TryParse(raw, out var value)) return value;
        Fail(field, $"'{raw}' is not a valid UUID.");
        return null;
    }

    public bool? Boolean(string? raw, string field)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        if (bool.TryParse(raw, out var value)) return value;
        Fail(field, $"'{raw}' is not a valid boolean (true or false).");
        return null;
    }

    public int? Integer(string? raw, string field)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        Fail(field, $"'{raw}' is not a valid integer.");
        return null;
    }

    public DateTimeOffset? Timestamp(string? raw, string field)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value.ToUniversalTime();
        Fail(field, $"'{raw}' is not a valid ISO 8601 timestamp (escape '+' in offsets as %2B).");
        return null;
    }

    /// <summary>Distinct enum values in declaration order, or null when the filter is absent.</summary>
    public TEnum[]? Labels<TEnum>(string[]? raw, string field) where TEnum : struct, Enum
    {
        if (raw is null or { Length: 0 }) return null;
        var values = new List<TEnum>(raw.Length);
        foreach (var label in raw)
        {
            if (!PgEnumLabels<TEnum>.TryParse(label, out var value))
                Fail(field, $"'{label}' is not a valid {field}; use one of: {string.Join(", ", PgEnumLabels<TEnum>.All)}.");
            else if (!values.Contains(value))
                values.Add(value);
        }
        values.Sort();
        return values.ToArray();
    }

    public int Limit(string? raw)
    {
        var requested = Integer(raw, "limit");
        if (!Paging.TryLimit(requested, out var limit, out var error) && requested is not null) Fail("limit", error!);
        return Math.Clamp(limit, 1, Paging.MaxLimit);
    }

    /// <summary>A stable text for a cursor scope: the same filter set always gives the same text.</summary>
    public static string Scope<TEnum>(TEnum[]? values) where TEnum : struct, Enum =>
        values is null ? "*" : string.Join(',', values.Select(PgEnumLabels<TEnum>.Of));

    public static string Scope(string? value) => value is null ? "*" : value.Length + ":" + value;

    public static string Scope(DateTimeOffset? value) => value?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "*";
}

/// <summary>A query value's type as OpenAPI should show it.</summary>
internal sealed record QueryParameter(string Name, JsonSchemaType Type, string? Format = null, IReadOnlyCollection<string>? Values = null,
    bool Repeats = false, bool Required = false)
{
    public static QueryParameter Uuid(string name) => new(name, JsonSchemaType.String, "uuid");

    public static QueryParameter Boolean(string name) => new(name, JsonSchemaType.Boolean);

    public static QueryParameter Integer(string name) => new(name, JsonSchemaType.Integer, "int32");

    public static QueryParameter Timestamp(string name) => new(name, JsonSchemaType.String, "date-time");

    public static QueryParameter Labels<TEnum>(string name) where TEnum : struct, Enum =>
        new(name, JsonSchemaType.String, Values: PgEnumLabels<TEnum>.All, Repeats: true);
}

internal static class QueryParameterDescriptions
{
    /// <summary>Tells OpenAPI the real type of query values that are bound as text.</summary>
    public static RouteHandlerBuilder DescribeQuery(this RouteHandlerBuilder builder, QueryParameter[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is not OpenApiParameter p || parameters.FirstOrDefault(q => q.Name == p.Name) is not { } described) continue;
                var schema = new OpenApiSchema { Type = described.Type, Format = described.Format };
                if (described.Values is { } values) schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
                p.Schema = described.Repeats ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema;
                if (described.Required) p.Required = true;
            }
            return Task.CompletedTask;
        });
}
