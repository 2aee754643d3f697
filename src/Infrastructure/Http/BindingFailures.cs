using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Names every route or query value that failed to bind. The build-time request-delegate generator (which AOT
/// requires) stops at the first bad value, or answers a bare 400 for a malformed optional one (int? limit=ten);
/// this judges each parameter from the endpoint's own binding metadata, so one 400 lists them all
/// ("limit: 'ten' is not a valid integer", "userId: 'nope' is not a valid UUID") like every other validation failure.
/// </summary>
internal static class BindingFailures
{
    public static Dictionary<string, string[]>? FindAll(HttpContext http)
    {
        // Inside the exception handler the endpoint and route values have been cleared; its feature keeps them.
        var handled = http.Features.Get<IExceptionHandlerFeature>();
        var parameters = (http.GetEndpoint() ?? handled?.Endpoint)?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>();
        if (parameters is null) return null;
        var routeValues = handled?.RouteValues ?? http.Request.RouteValues;
        Dictionary<string, string[]>? errors = null;
        var bound = new List<(IParameterBindingMetadata Parameter, string[] Values)>();
        foreach (var parameter in parameters)
        {
            string[] values = routeValues.TryGetValue(parameter.Name, out var routeValue) && routeValue is string s
                ? [s]
                : Array.ConvertAll(http.Request.Query[parameter.Name].ToArray(), v => v ?? "");
            if (!parameter.HasTryParse)
            {
                bound.Add((parameter, values));
                continue;
            }
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            var element = type.IsArray ? type.GetElementType()! : type;
            string[] messages = values.All(string.IsNullOrEmpty)
                ? parameter.IsOptional ? [] : ["Required."]
                : values.Where(value => !string.IsNullOrEmpty(value) && !Parses(element, value))
                    .Select(value => $"'{value}' is not a valid {Describe(element)}.")
                    .ToArray();
            if (messages.Length == 0)
            {
                bound.Add((parameter, values));
                continue;
            }
            errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
            errors[parameter.Name] = messages;
        }
        if (errors is null) return null;

        // The handler will not run, so the values that did bind are judged here by their own rules (range, labels,
        // length), which the handler states through the same code: one 400 names every bad value of the request.
        var ruled = new FieldErrors();
        foreach (var (parameter, values) in bound)
            foreach (var rule in parameter.ParameterInfo.GetCustomAttributes(false).OfType<IQueryRule>())
                rule.Check(parameter.Name, values, ruled);
        foreach (var (field, messages) in ruled.All) errors[field] = messages;
        return errors;
    }

    private static bool Parses(Type type, string value) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int16 => short.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        TypeCode.Int32 => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        TypeCode.Int64 => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        TypeCode.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        TypeCode.Decimal => decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _),
        TypeCode.Boolean => bool.TryParse(value, out _),
        TypeCode.DateTime => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
        _ when type == typeof(Guid) => Guid.TryParse(value, out _),
        _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
        _ => true, // a type we cannot judge: do not blame it
    };

    // A '+' in a query string is a space, so an offset must be sent as %2B: the commonest way to get this wrong.
    private const string Timestamp = "ISO 8601 timestamp (escape '+' in offsets as %2B)";

    private static string Describe(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 => "integer",
        TypeCode.Double or TypeCode.Decimal => "number",
        TypeCode.Boolean => "boolean (true or false)",
        TypeCode.DateTime => Timestamp,
        _ when type == typeof(Guid) => "UUID",
        _ when type == typeof(DateTimeOffset) => Timestamp,
        _ => "value",
    };
}
