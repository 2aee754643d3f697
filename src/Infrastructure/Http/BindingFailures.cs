using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Names the route or query value that failed to bind when the framework answered a bare 400. The build-time
/// request-delegate generator (which AOT requires) sets 400 without saying why for a malformed optional value
/// (int? limit=ten); this finds the offending parameter from the endpoint's own binding metadata, so the
/// problem can say "limit: 'ten' is not a valid integer" like every other validation failure.
/// </summary>
internal static class BindingFailures
{
    public static (string Name, string Message)? Find(HttpContext http)
    {
        var parameters = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>();
        if (parameters is null) return null;
        foreach (var parameter in parameters)
        {
            if (!parameter.HasTryParse) continue;
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            var values = http.Request.RouteValues.TryGetValue(parameter.Name, out var routeValue) && routeValue is string s
                ? [s]
                : http.Request.Query[parameter.Name].ToArray();
            foreach (var value in values)
            {
                if (string.IsNullOrEmpty(value) || Parses(type.IsArray ? type.GetElementType()! : type, value)) continue;
                return (parameter.Name, $"'{value}' is not a valid {Describe(type)}.");
            }
        }
        return null;
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

    private static string Describe(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 => "integer",
        TypeCode.Double or TypeCode.Decimal => "number",
        TypeCode.Boolean => "boolean (true or false)",
        TypeCode.DateTime => "ISO 8601 timestamp",
        _ when type == typeof(Guid) => "UUID",
        _ when type == typeof(DateTimeOffset) => "ISO 8601 timestamp",
        _ => "value",
    };
}
