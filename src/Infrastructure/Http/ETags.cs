using Microsoft.Net.Http.Headers;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Strong ETags from PostgreSQL's row version (xmin, which every UPDATE changes), and the If-Match
/// precondition that PATCH/PUT/DELETE honour: the SQL compares it in the same statement as the write.
/// </summary>
public static class ETags
{
    public static string Format(uint version) => $"\"{version}\"";

    public static void Set(HttpResponse response, uint version) => response.Headers.ETag = Format(version);

    /// <summary>
    /// The version If-Match demands, as a SQL parameter: null when the header is absent or "*",
    /// -1 (matches no row) for a tag this API never issued.
    /// </summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0) return null;
        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count == 0) return -1;
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any)) return null;
            if (!tag.IsWeak && uint.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), out var version)) return version;
        }
        return -1;
    }
}
