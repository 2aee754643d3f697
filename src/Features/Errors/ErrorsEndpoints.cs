using System.Text.Json.Serialization;
using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.Extensions.Options;

namespace AssetForge.Features.Errors;

public static class ErrorsEndpoints
{
    public static IServiceCollection AddErrors(this IServiceCollection services)
    {
        services.AddOptions<ErrorsSettings>().BindConfiguration(ErrorsSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ErrorsSettings>>(new KeyedValidator<ErrorsSettings>(ErrorsSettings.Section, new ErrorsSettingsValidator()));
        services.AddValidator<ReportError.Request, ReportError.Validator>();
        services.AddValidator<ResolveError.Request, ResolveError.Validator>();
        services.AddValidator<RebuildAggregations.Request, RebuildAggregations.Validator>();
        services.AddJsonContext(ErrorsJsonContext.Default);

        // Unhandled exceptions: observed synchronously by the exception handler, written by the same singleton in the background.
        services.AddSingleton<RecordUnhandledException.Recorder>();
        services.AddSingleton<IUnhandledExceptionObserver>(sp => sp.GetRequiredService<RecordUnhandledException.Recorder>());
        services.AddHostedService(sp => sp.GetRequiredService<RecordUnhandledException.Recorder>());

        services.AddSingleton<AggregateErrors.Job>();
        services.AddHostedService(sp => sp.GetRequiredService<AggregateErrors.Job>());
        services.AddSingleton<ErrorRetention.Job>();
        services.AddHostedService(sp => sp.GetRequiredService<ErrorRetention.Job>());
        return services;
    }

    public static IEndpointRouteBuilder MapErrors(this IEndpointRouteBuilder api)
    {
        var errors = api.MapGroup("/errors").WithTags("Errors").WithValidation();
        errors.MapPost("/", ReportError.HandleAsync).Idempotent().AllowAnonymous()
            .WithExample(ErrorExamples.Report, ErrorExamples.Error).WithETag().WithName("ReportError").WithSummary("Record an error reported by a client or service (a token is optional).");
        errors.MapGet("/", ListErrors.HandleAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden).WithExample(null, ErrorExamples.Page).WithName("ListErrors").WithSummary("Errors, newest first: a member's own, or everyone's for admins.");
        errors.MapGet("/{id}", GetError.HandleAsync)
            .WithExample(null, ErrorExamples.Error).WithETag().WithName("GetError").WithSummary("One error with everything recorded (its reporter or an admin).");
        errors.MapPost("/{id}/resolve", ResolveError.HandleAsync).Idempotent()
            .RequireAuthorization(Authentication.AdminPolicy).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(ErrorExamples.Resolve, ErrorExamples.Resolved).WithETag().WithName("ResolveError").WithSummary("Mark an error resolved; the first resolution stands.");
        errors.MapGet("/stats", GetErrorStats.HandleAsync).RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(null, ErrorExamples.Stats).WithName("GetErrorStats").WithSummary("Totals, resolved, by severity, by category and top endpoints over a period (default 24 h).");
        errors.MapGet("/aggregations", ListAggregations.HandleAsync).RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(null, ErrorExamples.Aggregations).WithName("ListErrorAggregations").WithSummary("Hourly error buckets over a period (default 7 days), newest first.");
        errors.MapPost("/aggregations/rebuild", RebuildAggregations.HandleAsync).Idempotent()
            .RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(ErrorExamples.Rebuild, ErrorExamples.Rebuilt).WithName("RebuildErrorAggregations").WithSummary("Recompute the hourly buckets of the complete hours in a range.");
        errors.MapDelete("/", DeleteOldErrors.HandleAsync).RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(null, ErrorExamples.Deleted).WithName("DeleteOldErrors").WithSummary("Retention: delete errors created before olderThan (optionally only resolved ones).");
        return api;
    }
}

// Web defaults for the writer's own use (the context column); HTTP bodies use the application's options anyway.
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportError.Request), TypeInfoPropertyName = "ReportErrorRequest")]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(CursorPage<ApiErrorSummary>))]
[JsonSerializable(typeof(ResolveError.Request), TypeInfoPropertyName = "ResolveErrorRequest")]
[JsonSerializable(typeof(GetErrorStats.Response), TypeInfoPropertyName = "ErrorStatsResponse")]
[JsonSerializable(typeof(CursorPage<ErrorAggregation>))]
[JsonSerializable(typeof(RebuildAggregations.Request), TypeInfoPropertyName = "RebuildAggregationsRequest")]
[JsonSerializable(typeof(RebuildAggregations.Response), TypeInfoPropertyName = "RebuildAggregationsResponse")]
[JsonSerializable(typeof(DeleteOldErrors.Response), TypeInfoPropertyName = "DeleteOldErrorsResponse")]
[JsonSerializable(typeof(RecordUnhandledException.UnhandledContext))]
internal sealed partial class ErrorsJsonContext : JsonSerializerContext;
