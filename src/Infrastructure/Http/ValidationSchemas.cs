using System.Globalization;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// States in each request schema what its registered validator enforces, read from the validator itself so the
/// document cannot drift from it: lengths as minLength/maxLength, ranges as minimum/maximum, counts as
/// minItems/maxItems, NotNull as required and not null. Rules that only a predicate knows (Must) stay in the field's
/// description. The validators' conditions only skip absent values, which these keywords never constrain.
/// </summary>
internal static class ValidationSchemas
{
    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonPropertyInfo is not null || schema.Properties is not { Count: > 0 } properties) return Task.CompletedTask;
        var type = context.JsonTypeInfo.Type;
        if (context.ApplicationServices.GetServices<IRequestValidator>().FirstOrDefault(v => v.RequestType == type) is not { } validator)
            return Task.CompletedTask;

        foreach (var rule in validator.Descriptor.Rules)
        {
            if (rule.PropertyName is not { Length: > 0 } clrName) continue; // whole-request rules (at least one field …)
            var name = char.ToLowerInvariant(clrName[0]) + clrName[1..];
            if (!properties.TryGetValue(name, out var found) || found is not OpenApiSchema property) continue;
            // RuleForEach validates the items: its type is the element's, not the array's.
            var target = property.Type?.HasFlag(JsonSchemaType.Array) == true && !rule.TypeToValidate.IsArray && property.Items is OpenApiSchema items
                ? items
                : property;
            foreach (var component in rule.Components)
                Apply(schema, name, target, component.Validator, unconditional: !component.HasCondition && !component.HasAsyncCondition);
        }
        return Task.CompletedTask;
    }

    private static void Apply(OpenApiSchema owner, string name, OpenApiSchema target, IPropertyValidator validator, bool unconditional)
    {
        var isString = target.Type?.HasFlag(JsonSchemaType.String) == true;
        switch (validator)
        {
            case ILengthValidator length when isString:
                if (length.Min > 0) target.MinLength = Math.Max(target.MinLength ?? 0, length.Min);
                if (length.Max > 0) target.MaxLength = length.Max;
                break;
            case INotEmptyValidator when isString:
                target.MinLength = Math.Max(target.MinLength ?? 0, 1);
                break;
            case INotEmptyValidator when target.Type?.HasFlag(JsonSchemaType.Array) == true:
                target.MinItems = Math.Max(target.MinItems ?? 0, 1);
                break;
            case IBetweenValidator { From: IConvertible from, To: IConvertible to }:
                target.Minimum = from.ToString(CultureInfo.InvariantCulture);
                target.Maximum = to.ToString(CultureInfo.InvariantCulture);
                break;
            case IItemCountValidator count:
                if (count.Min > 0) target.MinItems = Math.Max(target.MinItems ?? 0, count.Min);
                target.MaxItems = count.Max;
                break;
            case INotNullValidator when unconditional && ReferenceEquals(target, owner.Properties![name]):
                owner.Required ??= new HashSet<string>();
                owner.Required.Add(name);
                if (target.Type is { } type) target.Type = type & ~JsonSchemaType.Null;
                if (target.Enum is { } labels) target.Enum = [.. labels.Where(l => l is not null)];
                // A nullable reference (an enum, an object) is oneOf [null, it]: without the null it is just it.
                if (target.OneOf?.FirstOrDefault(o => o is OpenApiSchema { Type: JsonSchemaType.Null }) is { } nullable && target.OneOf.Count > 1)
                    target.OneOf.Remove(nullable);
                break;
        }
    }
}
