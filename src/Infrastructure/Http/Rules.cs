using System.Text.Json;
using FluentValidation;
using FluentValidation.Validators;

namespace AssetForge.Infrastructure.Http;

/// <summary>Validation predicates several slices use.</summary>
public static class Rules
{
    /// <summary>The one size limit for a free-form JSON field of any slice (config, metadata, results, details).</summary>
    public const int MaxJsonBytes = 64 * 1024;

    private const string ObjectMessage = "'{PropertyName}' must be a JSON object of at most 64 KB.";

    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static bool BeAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>A JSON object whose serialized form is at most <paramref name="maxBytes"/> bytes.</summary>
    public static bool IsSmallObject(JsonElement value, int maxBytes) =>
        value.ValueKind == JsonValueKind.Object && IsSmall(value, maxBytes);

    /// <summary>Any JSON value whose serialized form is at most <paramref name="maxBytes"/> bytes.</summary>
    public static bool IsSmall(JsonElement value, int maxBytes) =>
        System.Text.Encoding.UTF8.GetByteCount(value.GetRawText()) <= maxBytes;

    /// <summary>A JSON object of at most <see cref="MaxJsonBytes"/>.</summary>
    public static IRuleBuilderOptions<T, JsonElement> SmallJsonObject<T>(this IRuleBuilder<T, JsonElement> rule) =>
        rule.Must(value => IsSmallObject(value, MaxJsonBytes)).WithMessage(ObjectMessage);

    /// <summary>Absent, or a JSON object of at most <see cref="MaxJsonBytes"/>.</summary>
    public static IRuleBuilderOptions<T, JsonElement?> SmallJsonObject<T>(this IRuleBuilder<T, JsonElement?> rule) =>
        rule.Must(value => value is not { } v || IsSmallObject(v, MaxJsonBytes)).WithMessage(ObjectMessage);

    /// <summary>Absent, or any JSON value of at most <see cref="MaxJsonBytes"/>.</summary>
    public static IRuleBuilderOptions<T, JsonElement?> SmallJson<T>(this IRuleBuilder<T, JsonElement?> rule) =>
        rule.Must(value => value is not { } v || IsSmall(v, MaxJsonBytes)).WithMessage("'{PropertyName}' must be at most 64 KB of JSON.");

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> items (absent passes): the document states it as minItems/maxItems.</summary>
    public static IRuleBuilderOptions<T, TCollection> ItemCount<T, TCollection>(this IRuleBuilder<T, TCollection> rule, int min, int max)
        where TCollection : System.Collections.ICollection? =>
        rule.SetValidator(new ItemCountValidator<T, TCollection>(min, max));
}

/// <summary>A count bound the OpenAPI document can state (FluentValidation has no collection-count rule of its own).</summary>
public interface IItemCountValidator
{
    int Min { get; }

    int Max { get; }
}

public sealed class ItemCountValidator<T, TCollection>(int min, int max) : PropertyValidator<T, TCollection>, IItemCountValidator
    where TCollection : System.Collections.ICollection?
{
    public int Min => min;

    public int Max => max;

    public override string Name => "ItemCountValidator";

    public override bool IsValid(ValidationContext<T> context, TCollection value) => value is null || (value.Count >= min && value.Count <= max);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"'{{PropertyName}}' must have between {min} and {max} items.";
}
