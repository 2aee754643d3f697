using System.Text.Json;

namespace AssetForge.Features.Errors;

/// <summary>
/// Text PostgreSQL can store: no NUL character (text and jsonb reject it) and no unpaired UTF-16 surrogate (not
/// encodable as UTF-8). A report carrying either is a 400, not a 500 from the INSERT.
/// </summary>
internal static class StoredText
{
    public const string Message = "'{PropertyName}' must not contain NUL characters or unpaired surrogates.";

    public static bool IsStorable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The text with NULs and unpaired surrogates replaced by U+FFFD, for text the API did not ask for.</summary>
    public static string Clean(string value)
    {
        if (IsStorable(value)) return value;
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\0') chars[i] = '\uFFFD';
            else if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    public static bool IsStorable(JsonElement value)
    {
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => IsStorable(value.GetString()!),
                JsonValueKind.Array => value.EnumerateArray().All(IsStorable),
                JsonValueKind.Object => value.EnumerateObject().All(p => IsStorable(p.Name) && IsStorable(p.Value)),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false; // an escaped lone surrogate ("\ud800") cannot even be read as a string
        }
    }
}
