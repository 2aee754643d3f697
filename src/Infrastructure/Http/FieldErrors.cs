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

    /// <summary>Every bad value found so far, by field.</summary>
    public IReadOnlyDictionary<string, string[]> All => _errors ?? (IReadOnlyDictionary<string, string[]>)new Dictionary<string, string[]>();

    public void Add(string field, string message)
    {
        _errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }
}

/// <summary>
/// A rule of one query or route value that needs nothing else of the request, declared on the handler's parameter.
/// Handlers judge it themselves (through the same code); the attribute lets <see cref="BindingFailures"/> judge it too
/// when another value failed to bind and the handler never runs.
/// </summary>
public interface IQueryRule
{
    /// <summary>Adds to <paramref name="errors"/> what is wrong with <paramref name="values"/> (as sent) under <paramref name="name"/>.</summary>
    void Check(string name, string[] values, FieldErrors errors);
}

/// <summary>A text filter of <c>min</c> to <c>max</c> characters when it is given (empty counts as given when min is above 0).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class TextLengthAttribute(int min, int max) : Attribute, IQueryRule
{
    public void Check(string name, string[] values, FieldErrors errors)
    {
        if (values.Length > 0) Check(values[0], name, errors);
    }

    /// <summary>The handler's side of the rule: adds one error when <paramref name="value"/> is given and outside the bounds.</summary>
    public void Check(string? value, string name, FieldErrors errors)
    {
        if (value is null || (value.Length >= min && value.Length <= max)) return;
        errors.Add(name, min > 0 ? $"{name} must be {min} to {max} characters." : $"{name} must be {max} characters or fewer.");
    }
}
