using System.Text.Json;

namespace AssetForge.Infrastructure.Http;

/// <summary>Validation predicates several slices use.</summary>
public static class Rules
{
    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static bool BeAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>A JSON object whose serialized form is at most <paramref name="maxBytes"/> bytes.</summary>
    public static bool IsSmallObject(JsonElement value, int maxBytes) =>
        value.ValueKind == JsonValueKind.Object && IsSmall(value, maxBytes);

    /// <summary>Any JSON value whose serialized form is at most <paramref name="maxBytes"/> bytes.</summary>
    public static bool IsSmall(JsonElement value, int maxBytes) =>
        System.Text.Encoding.UTF8.GetByteCount(value.GetRawText()) <= maxBytes;
}
