using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;

namespace AssetForge.Infrastructure.Http;

/// <summary>Types the plumbing itself writes; each slice adds its own context to the resolver chain.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(List<HealthCheckBody>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class InfrastructureJsonContext : JsonSerializerContext;

public static class JsonSetup
{
    /// <summary>
    /// camelCase, UTC timestamps, unknown properties rejected (a typo must not be silently ignored),
    /// and the source-generated metadata of the plumbing; slices append their own contexts.
    /// </summary>
    public static IServiceCollection AddAssetForgeJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.NumberHandling = JsonNumberHandling.Strict; // "5" is not a number
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.TypeInfoResolverChain.Insert(0, InfrastructureJsonContext.Default);
    }

    /// <summary>Adds a slice's source-generated context so its request and response types serialize under AOT.</summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(context));
}

/// <summary>
/// Timestamps leave as ISO 8601 UTC with exactly six fraction digits ("2026-01-02T03:04:05.120000Z": PostgreSQL's
/// microseconds, trailing zeros kept so every timestamp has one shape); any offset is accepted in.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            throw new JsonException("Expected an ISO 8601 timestamp.");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[40];
        value.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}

/// <summary>
/// Enum values travel exactly as their PostgreSQL labels ("external_api"): other casings, integers and unknown
/// labels are rejected (400). Put it on an enum with [JsonConverter(typeof(PgEnumJsonConverter&lt;T&gt;))].
/// </summary>
public sealed class PgEnumJsonConverter<TEnum> : JsonConverter<TEnum>, ILabelledEnumConverter where TEnum : struct, Enum
{
    public IReadOnlyCollection<string> Labels => PgEnumLabels<TEnum>.All;

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && PgEnumLabels<TEnum>.TryParse(reader.GetString(), out var value)) return value;
        throw new JsonException(PgEnumLabels<TEnum>.Expectation);
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(PgEnumLabels<TEnum>.Encoded(value));
}

/// <summary>Lets the OpenAPI document list an enum's labels, which a custom converter otherwise hides.</summary>
public interface ILabelledEnumConverter
{
    IReadOnlyCollection<string> Labels { get; }
}
