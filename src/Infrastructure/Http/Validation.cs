using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Http;

/// <summary>A registered validator, found by the type of request it checks when endpoints are built.</summary>
public interface IRequestValidator
{
    Type RequestType { get; }

    /// <summary>The validator's rules, for the OpenAPI document to state their bounds.</summary>
    IValidatorDescriptor Descriptor { get; }

    /// <summary>The errors keyed by camelCase JSON path ("stages[1].name"), or null when the request is valid.</summary>
    ValueTask<Dictionary<string, string[]>?> ValidateAsync(object request, CancellationToken ct);
}

internal sealed class RequestValidator<T>(IValidator<T> validator) : IRequestValidator
{
    public Type RequestType => typeof(T);

    public IValidatorDescriptor Descriptor { get; } = validator.CreateDescriptor();

    public async ValueTask<Dictionary<string, string[]>?> ValidateAsync(object request, CancellationToken ct)
    {
        var result = await validator.ValidateAsync((T)request, ct);
        return result.IsValid
            ? null
            : result.Errors
                .GroupBy(e => ValidationExtensions.CamelPath(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
    }
}

public static class ValidationExtensions
{
    /// <summary>
    /// Declared once on a route group: each endpoint whose handler takes a request type with a registered
    /// validator validates that argument before the handler runs (400 with every field's errors), and its
    /// OpenAPI operation declares the 400. The match is made once, when the endpoint is built, from the handler's
    /// parameter types and the validators registered with <see cref="AddValidator{T, TValidator}"/>.
    /// First, every path and query value and every string and free-form JSON value of the body, at any depth, must be
    /// storable (<see cref="StorableText"/>): one rule for all, so no slice meets PostgreSQL's refusal as a 500.
    /// </summary>
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is not { } method) return;
            var validators = endpoint.ApplicationServices.GetServices<IRequestValidator>().ToArray();
            var parameters = method.GetParameters();
            endpoint.FilterFactories.Add((factory, next) =>
            {
                var json = factory.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                return context => Unstorable(context, json) is { } errors
                    ? ValueTask.FromResult<object?>(Problems.Validation(errors))
                    : next(context);
            });
            for (var index = 0; index < parameters.Length; index++)
            {
                var type = Nullable.GetUnderlyingType(parameters[index].ParameterType) ?? parameters[index].ParameterType;
                if (validators.FirstOrDefault(v => v.RequestType == type) is not { } validator) continue;
                var position = index;
                endpoint.FilterFactories.Add((_, next) => async context =>
                    context.Arguments[position] is { } request
                    && await validator.ValidateAsync(request, context.HttpContext.RequestAborted) is { } errors
                        ? Problems.Validation(errors)
                        : await next(context));
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest,
                    typeof(HttpValidationProblemDetails), ["application/problem+json"]));
            }
        });
        return builder;
    }

    // Path and query values first: a NUL decoded from %00 binds as a string, but no text column takes it (22021).
    // Percent-decoding replaces invalid UTF-8 with U+FFFD, so an unpaired surrogate cannot arrive that way.
    private static Dictionary<string, string[]>? Unstorable(EndpointFilterInvocationContext context, JsonSerializerOptions json)
    {
        Dictionary<string, string[]>? errors = null;
        var request = context.HttpContext.Request;
        foreach (var (name, value) in request.RouteValues)
            if (value is string text && StorableText.Flaw(text) is { } flaw) Add(name, flaw);
        foreach (var (name, values) in request.Query)
            foreach (var text in values)
                if (text is not null && StorableText.Flaw(text) is { } flaw) Add(name, flaw);
        // The body's type is known from the endpoint's metadata only once it is built (after group conventions).
        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } bodyType)
            foreach (var argument in context.Arguments)
                if (argument?.GetType() == bodyType && StorableText.Find(argument, json.GetTypeInfo(bodyType)) is var (path, message))
                    Add(path.Length == 0 ? "body" : path, message);
        return errors;

        void Add(string name, string message) => (errors ??= new(StringComparer.Ordinal))[name] = [message];
    }

    internal static string CamelPath(string path) => string.Join('.', path.Split('.').Select(Camel));

    private static string Camel(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>
    /// Messages name fields as clients send them ("'name' must not be empty."). FluentValidation asks for the name of
    /// every rule's property each time the rule runs, valid request or not, and under NativeAOT each
    /// <c>MemberInfo.Name</c> decodes a new string from metadata: remembered per member, a report-error request no longer
    /// allocates three strings per rule (a quarter of its heap allocations in a profile).
    /// </summary>
    public static IServiceCollection AddAssetForgeValidation(this IServiceCollection services)
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNames.GetOrAdd(member, static m => Camel(m.Name));
        return services;
    }

    private static readonly ConcurrentDictionary<MemberInfo, string> JsonNames = new();

    /// <summary>
    /// Registers a validator explicitly (assembly scanning does not survive trimming); route groups with
    /// <see cref="WithValidation{TBuilder}"/> find it by its request type.
    /// </summary>
    public static IServiceCollection AddValidator<T, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        this IServiceCollection services)
        where TValidator : class, IValidator<T> =>
        services
            .AddSingleton<IValidator<T>, TValidator>()
            .AddSingleton<IRequestValidator>(sp => new RequestValidator<T>(sp.GetRequiredService<IValidator<T>>()));
}
