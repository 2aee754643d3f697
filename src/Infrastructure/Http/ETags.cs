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
    /// Endpoint filter for reads: a 200 whose ETag is one the caller already holds (If-None-Match, or "*")
    /// becomes a 304 with no body (RFC 9110 §13.1.2). Handlers set the ETag before returning their result.
    /// </summary>
    public static async ValueTask<object?> NotModifiedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) || http.Request.Headers.IfNoneMatch.Count == 0) return result;
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        if (inner is not IStatusCodeHttpResult { StatusCode: 200 }) return result;
        if (!EntityTagHeaderValue.TryParse(http.Response.Headers.ETag.ToString(), out var current)) return result;
        if (!EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var held)) return result;
        // Weak comparison, as If-None-Match requires.
        return held.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : result;
    }

    /// <summary>
    /// The versions If-Match accepts, as a SQL parameter (the write applies when the row has any of them, RFC 9110
    /// §13.1.1): null when the header is absent or names "*"; empty (matches no row) when it names only tags this API
    /// never issued, weak ones included, since If-Match compares strongly.
    /// </summary>
    public static long[]? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0) return null;
        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count == 0) return [];
        if (tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))) return null;
        return [.. tags
            .Where(tag => !tag.IsWeak)
            .Select(tag => uint.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), out var version) ? (long?)version : null)
            .OfType<long>()];
    }
}
