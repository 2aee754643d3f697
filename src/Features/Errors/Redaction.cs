using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AssetForge.Features.Errors;

/// <summary>
/// Secrets never reach api_errors. Headers and JSON fields whose names look like credentials (Authorization,
/// Cookie, Set-Cookie, X-Api-Key, password, accessToken, client_secret, apiKey, …) keep their name and lose their
/// value; in free text (messages, stacks, endpoints, JSON string values) bearer/basic credentials, JWTs and
/// "name=value" pairs with such names are masked. It errs on the side of masking: a field called "tokenCount" is
/// masked too, which costs a number, never a secret.
/// </summary>
public static partial class Redaction
{
    public const string Marker = "[REDACTED]";

    // Compared against the name lower-cased with everything but letters and digits removed.
    private static readonly string[] SensitiveFragments =
    [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
        "authorization", "cookie", "credential", "sessionid", "jwt", "signature",
    ];

    /// <summary>Whether a header or JSON property of this name carries a credential.</summary>
    public static bool IsSensitiveName(string name)
    {
        Span<char> buffer = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
            if (char.IsAsciiLetterOrDigit(c)) buffer[length++] = char.ToLowerInvariant(c);
        var normalized = buffer[..length];
        foreach (var fragment in SensitiveFragments)
            if (normalized.Contains(fragment, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Free text with credentials masked.</summary>
    public static string Text(string value)
    {
        if (value.Length == 0) return value;
        value = AuthorizationScheme().Replace(value, m => m.Groups["scheme"].Value + " " + Marker);
        value = JsonWebToken().Replace(value, Marker);
        return NameValuePair().Replace(value, m => m.Groups["name"].Value + m.Groups["sep"].Value + Marker);
    }

    public static string? Text(string? value, int maxLength) => value is null ? null : Truncate(Text(value), maxLength);

    /// <summary>A copy of a JSON value with sensitive properties masked (at any depth) and string values masked as text.</summary>
    public static JsonElement Json(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, value);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public static JsonElement? Json(JsonElement? value) => value is { } v ? Json(v) : null;

    /// <summary>Request headers as a JSON object (name → value), credentials masked.</summary>
    public static JsonElement Headers(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in headers)
                writer.WriteString(name, IsSensitiveName(name) ? Marker : Text(value));
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public static string Truncate(string value, int maxLength)
    {
        if (value.Length <= maxLength) return value;
        // Never cut a surrogate pair in half: PostgreSQL would reject the lone half.
        var cut = char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength;
        return value[..cut];
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (property.Value.ValueKind != JsonValueKind.Null && IsSensitiveName(property.Name))
                        writer.WriteStringValue(Marker);
                    else
                        Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Text(value.GetString()!));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    [GeneratedRegex(@"\b(?<scheme>Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationScheme();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex JsonWebToken();

    // password=hunter2, "apiKey": "abc", access_token=…&, Password=x; in connection strings.
    [GeneratedRegex("""(?<name>(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|session[_-]?id|signature)[A-Za-z0-9_-]*)(?<sep>["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s&"',;}\]]+""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NameValuePair();
}
