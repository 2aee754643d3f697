using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// What every text and jsonb column can take, judged once for every request (<see cref="ValidationExtensions.WithValidation"/>):
/// PostgreSQL refuses a NUL character in text (22021) and in jsonb (22P05), UTF-8 cannot carry an unpaired UTF-16
/// surrogate (Npgsql throws while re-serialising a JsonElement that escapes one), and jsonb's numeric cannot hold a
/// number beyond a double's range (nor can a JavaScript client) or with more than 16383 decimals. A request carrying
/// one is a 400 naming the field, at any depth, before the handler or any statement runs.
/// </summary>
public static class StorableText
{
    public const string NulMessage = "Must not contain NUL (\\u0000) characters.";
    public const string SurrogateMessage = "Must be valid Unicode: an unpaired surrogate (\\ud800-\\udfff alone) cannot be stored.";
    public const string NumberMessage = "Numbers must be within ±1.7976931348623157e308 with at most 16383 digits after the decimal point.";

    /// <summary>jsonb stores numbers as numeric, which keeps at most this many digits after the decimal point.</summary>
    private const int MaxNumericScale = 16383;

    /// <summary>
    /// The first value in a deserialized request body that cannot be stored, with its JSON path ("stages[1].name",
    /// "config.mesh.tags[0]"), found through the body's source-generated JSON metadata (no reflection, so AOT-safe).
    /// </summary>
    public static (string Path, string Message)? Find(object? value, JsonTypeInfo info, string path = "")
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return Flaw(text) is { } flaw ? (path, flaw) : null;
            case JsonElement element:
                return Flaw(element, path);
        }
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                    if (property.Get?.Invoke(value) is { } member
                        && Find(member, info.Options.GetTypeInfo(property.PropertyType), Join(path, property.Name)) is { } inner) return inner;
                return null;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType && value is System.Collections.IEnumerable items:
                var elementInfo = info.Options.GetTypeInfo(elementType);
                var index = 0;
                foreach (var item in items)
                    if (Find(item, elementInfo, $"{path}[{index++}]") is { } inner) return inner;
                return null;
            default:
                return null; // numbers, enums, ids, timestamps: their converters admit only what fits
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Why <paramref name="value"/> cannot be stored, or null when it can.</summary>
    public static string? Flaw(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return NulMessage;
            if (!char.IsSurrogate(c)) continue;
            if (!char.IsHighSurrogate(c) || i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return SurrogateMessage;
            i++;
        }
        return null;
    }

    /// <summary>The first value inside <paramref name="value"/> (at any depth) that cannot be stored: its path below it and why.</summary>
    public static (string Path, string Message)? Flaw(JsonElement value) => Flaw(value, "");

    private static (string Path, string Message)? Flaw(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Read(value, static v => v.GetString()!, path, out var text) ?? (Flaw(text) is { } textFlaw ? (path, textFlaw) : null);
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && double.IsFinite(number) && FitsNumeric(value.GetRawText()) ? null : (path, NumberMessage);
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                    if (Flaw(item, $"{path}[{index++}]") is { } inner) return inner;
                return null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    // A name that cannot be stored is reported at its object: the name itself cannot be shown.
                    if (Read(property, static p => p.Name, path, out var name) is { } unreadable) return unreadable;
                    if (Flaw(name) is { } flaw) return (path, "Property names: " + flaw);
                    if (Flaw(property.Value, Join(path, name)) is { } inner) return inner;
                }
                return null;
            default:
                return null;
        }
    }

    // The scale numeric would need: digits after the point, less the exponent ("1e-20000" needs 20000).
    private static bool FitsNumeric(string number)
    {
        var e = number.AsSpan().IndexOfAny('e', 'E');
        var mantissa = e < 0 ? number.AsSpan() : number.AsSpan(0, e);
        var dot = mantissa.IndexOf('.');
        long exponent = 0;
        if (e >= 0 && !long.TryParse(number.AsSpan(e + 1), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out exponent)) return false;
        return (dot < 0 ? 0 : mantissa.Length - dot - 1) - exponent <= MaxNumericScale;
    }

    // An escaped lone surrogate ("\udc00") is valid JSON but cannot be read as a .NET string: the reader throws.
    private static (string, string)? Read<T>(T source, Func<T, string> read, string path, out string text)
    {
        try
        {
            text = read(source);
            return null;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return (path, SurrogateMessage);
        }
    }
}

