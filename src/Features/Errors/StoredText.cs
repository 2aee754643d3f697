using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Errors;

/// <summary>
/// Text the API did not ask for (an exception's message, a request's route, query and headers) made storable:
/// request bodies are refused when they hold what PostgreSQL cannot store (<see cref="StorableText"/>), but an
/// unhandled exception must still be recorded.
/// </summary>
internal static class StoredText
{
    /// <summary>The text with NULs and unpaired surrogates replaced by U+FFFD.</summary>
    public static string Clean(string value)
    {
        if (StorableText.Flaw(value) is null) return value;
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\0') chars[i] = '\uFFFD';
            else if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }
}
