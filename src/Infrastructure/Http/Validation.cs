using System.Diagnostics.CodeAnalysis;
using FluentValidation;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Runs the registered FluentValidation validator for the endpoint's <typeparamref name="T"/> argument and
/// answers 400 with errors keyed by camelCase JSON path ("stages[1].name") before the handler runs.
/// </summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is not T value) continue;
            var result = await validator.ValidateAsync(value, context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                var errors = result.Errors
                    .GroupBy(e => CamelPath(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                return Problems.Validation(errors);
            }
        }
        return await next(context);
    }

    internal static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(segment =>
            segment.Length == 0 || char.IsLower(segment[0]) ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
}

public static class ValidationExtensions
{
    /// <summary>Validates the <typeparamref name="T"/> argument with its registered validator.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Messages name fields as clients send them ("'name' must not be empty.").</summary>
    public static IServiceCollection AddAssetForgeValidation(this IServiceCollection services)
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : char.ToLowerInvariant(member.Name[0]) + member.Name[1..];
        return services;
    }

    /// <summary>Registers a validator explicitly (assembly scanning does not survive trimming).</summary>
    public static IServiceCollection AddValidator<T, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        this IServiceCollection services)
        where TValidator : class, IValidator<T> =>
        services.AddSingleton<IValidator<T>, TValidator>();
}
