using Microsoft.AspNetCore.Http.HttpResults;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Collects every bad value a handler finds, so one 400 names them all instead of the first one only
/// (the binding failures the framework finds first are listed together by <see cref="BindingFailures"/>).
/// </summary>
public sealed class FieldErrors
{
    private Dictionary<string, string[]>? _errors;

    /// <summary>The 400 to answer, or null when every value was good.</summary>
    public ValidationProblem? Problem => _errors is null ? null : Problems.Validation(_errors);

    public void Add(string field, string message)
    {
        _errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }
}
