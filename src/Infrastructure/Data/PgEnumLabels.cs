using System.Text.Json;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Infrastructure.Data;

/// <summary>The labels of a [PgEnum], for query strings and messages.</summary>
public static class PgEnumLabels<TEnum> where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByLabel =
        Enum.GetValues<TEnum>().ToDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), StringComparer.Ordinal);

    private static readonly Dictionary<TEnum, JsonEncodedText> ByValue =
        ByLabel.ToDictionary(pair => pair.Value, pair => JsonEncodedText.Encode(pair.Key));

    public static IReadOnlyCollection<string> All { get; } = ByLabel.Keys.ToArray();

    /// <summary>What a client is told when it sends something else.</summary>
    public static string Expectation { get; } = "The value must be one of: " + string.Join(", ", All) + ".";

    public static bool TryParse(string? label, out TEnum value) => ByLabel.TryGetValue(label ?? "", out value);

    /// <summary>
    /// A repeated query filter (?status=a&amp;status=b): its distinct values in the enum's order, or null when it is
    /// absent; each unknown label is added to <paramref name="errors"/> under <paramref name="field"/>.
    /// </summary>
    public static TEnum[]? Parse(string[]? labels, string field, FieldErrors errors)
    {
        if (labels is null or { Length: 0 }) return null;
        var values = new SortedSet<TEnum>();
        foreach (var label in labels)
        {
            if (TryParse(label, out var value)) values.Add(value);
            else errors.Add(field, $"'{label}' is not a valid {field}; use one of: {string.Join(", ", All)}.");
        }
        return [.. values];
    }

    public static string Of(TEnum value) => ByValue[value].Value;

    internal static JsonEncodedText Encoded(TEnum value) => ByValue[value];
}

/// <summary>
/// A repeatable query filter bound as text and parsed by <see cref="PgEnumLabels{TEnum}.Parse"/> (the binder only
/// knows C# enum names): tells the OpenAPI document its values are the [PgEnum]'s labels, and judges them when
/// another value failed to bind.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PgEnumQueryAttribute<TEnum> : Attribute, ILabelledQuery, IQueryRule where TEnum : struct, Enum
{
    public IReadOnlyCollection<string> Labels => PgEnumLabels<TEnum>.All;

    public void Check(string name, string[] values, FieldErrors errors) => PgEnumLabels<TEnum>.Parse(values, name, errors);
}

public interface ILabelledQuery
{
    IReadOnlyCollection<string> Labels { get; }
}
