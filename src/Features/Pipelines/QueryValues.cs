using System.Globalization;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// Optional query values parsed by hand: the request-delegate generator answers a malformed nullable value
/// (int? limit=ten, Guid? userId=x) with a bare 400 that names nothing, so these bind as strings instead.
/// </summary>
internal static class QueryValues
{
    public static bool TryGuid(string? raw, string name, out Guid? value, out ValidationProblem? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(raw)) return true;
        if (Guid.TryParse(raw, out var parsed)) { value = parsed; return true; }
        problem = Problems.Validation(name, $"'{raw}' is not a valid UUID.");
        return false;
    }

    public static bool TryLimit(string? raw, out int limit, out ValidationProblem? problem)
    {
        limit = 0;
        problem = null;
        int? requested = null;
        if (!string.IsNullOrEmpty(raw))
        {
            if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                problem = Problems.Validation("limit", $"'{raw}' is not a valid integer.");
                return false;
            }
            requested = parsed;
        }
        if (Paging.TryLimit(requested, out limit, out var error)) return true;
        problem = Problems.Validation("limit", error!);
        return false;
    }
}
