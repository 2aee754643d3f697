using System.Text.Json.Serialization;
using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.Extensions.Options;

namespace AssetForge.Features.Pipelines;

public static class PipelinesEndpoints
{
    public static IServiceCollection AddPipelines(this IServiceCollection services)
    {
        services
            .AddValidator<CreatePipeline.Stage, CreatePipeline.StageValidator>()
            .AddValidator<CreatePipeline.Request, CreatePipeline.Validator>()
            .AddValidator<UpdatePipelineProgress.Request, UpdatePipelineProgress.Validator>()
            .AddValidator<UpdatePipelineStatus.Request, UpdatePipelineStatus.Validator>()
            .AddValidator<UpdatePipelineStage.Request, UpdatePipelineStage.Validator>()
            .AddValidator<CleanupPipelines.Request, CleanupPipelines.Validator>()
            .AddJsonContext(PipelinesJsonContext.Default);
        services.AddOptions<PipelinesSettings>().BindConfiguration(PipelinesSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelinesSettings>>(
            new KeyedValidator<PipelinesSettings>(PipelinesSettings.Section, new PipelinesSettingsValidator()));
        services.AddSingleton<ExpirePipelines.Job>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpirePipelines.Job>());
        services.AddOptions<PipelineEventSettings>().BindConfiguration(PipelineEventSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineEventSettings>>(
            new KeyedValidator<PipelineEventSettings>(PipelineEventSettings.Section, new PipelineEventSettingsValidator()));
        services.AddSingleton<PipelineEventHub>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineEventHub>());
        services.AddSingleton<PipelineRetention.Job>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineRetention.Job>());
        return services;
    }

    public static IEndpointRouteBuilder MapPipelines(this IEndpointRouteBuilder api)
    {
        // Literal segments (statistics, expired, cleanup, events, by-meshy-task) outrank {id} in routing; {id} has no
        // constraint so that a malformed id is a 400 naming it rather than a 404.
        var pipelines = api.MapGroup("/pipelines").WithTags("Pipelines").WithValidation();

        pipelines.MapPost("/", CreatePipeline.HandleAsync).Idempotent()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithExample(PipelineExamples.Create, PipelineExamples.Created).WithETag().WithName("CreatePipeline").WithSummary("Create a pipeline and its ordered stages in one transaction.");
        pipelines.MapGet("/", ListPipelines.HandleAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithQueryLabels<PipelineStatus>("status")
            .WithExample(null, PipelineExamples.Page).WithName("ListPipelines").WithSummary("The caller's pipelines (admin: anyone's), newest first, by cursor; status may repeat.");
        pipelines.MapGet("/statistics", GetPipelineStatistics.HandleAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithExample(null, PipelineExamples.Statistics).WithName("GetPipelineStatistics").WithSummary("Counts by status, success rate and average duration (SQL aggregates).");
        pipelines.MapGet("/expired", ListExpiredPipelines.HandleAsync).RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(null, PipelineExamples.Page).WithName("ListExpiredPipelines").WithSummary("Admin: running pipelines past expires_at, most overdue first.");
        pipelines.MapPost("/cleanup", CleanupPipelines.HandleAsync).Idempotent()
            .RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(PipelineExamples.Cleanup, PipelineExamples.Cleaned).WithName("CleanupPipelines").WithSummary("Admin: delete terminal pipelines completed before olderThan; returns how many.");
        pipelines.MapGet("/events", StreamPipelineListEvents.HandleAsync).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).DescribeEvents(PipelineEventDocs.List)
            .WithExample(null, PipelineExamples.ListSnapshotEvent).WithName("StreamPipelineListEvents").WithSummary("Server-sent events: changes to the caller's pipelines (admin: anyone's), for dashboards.");
        pipelines.MapGet("/by-meshy-task/{taskId}", GetPipelineByMeshyTask.HandleAsync)
            .WithExample(null, PipelineExamples.Pipeline).WithETag().WithName("GetPipelineByMeshyTask").WithSummary("The newest pipeline with this Meshy task id, with its stages.");
        pipelines.MapGet("/{id}", GetPipeline.HandleAsync)
            .WithExample(null, PipelineExamples.Pipeline).WithETag().WithName("GetPipeline").WithSummary("One pipeline with its stages in order, and its ETag.");
        pipelines.MapGet("/{id}/events", StreamPipelineEvents.HandleAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).DescribeEvents(PipelineEventDocs.Single)
            .WithExample(null, PipelineExamples.SnapshotEvent).WithName("StreamPipelineEvents").WithSummary("Server-sent events: a snapshot of the pipeline, then each change until it is final.");
        pipelines.MapPatch("/{id}/progress", UpdatePipelineProgress.HandleAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(PipelineExamples.Progress, PipelineExamples.Pipeline).WithETag().WithName("UpdatePipelineProgress").WithSummary("Set progress (0..100) and the current stage of a running pipeline.");
        pipelines.MapPatch("/{id}/status", UpdatePipelineStatus.HandleAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(PipelineExamples.Status, PipelineExamples.Pipeline).WithETag().WithName("UpdatePipelineStatus").WithSummary("Move the pipeline through its state machine; final states are final (409).");
        pipelines.MapPatch("/{id}/stages/{stageId}", UpdatePipelineStage.HandleAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(PipelineExamples.Stage, PipelineExamples.Pipeline).WithETag().WithName("UpdatePipelineStage").WithSummary("Update one stage; the database clock stamps its start, end and duration.");
        pipelines.MapDelete("/{id}", DeletePipeline.HandleAsync)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithName("DeletePipeline").WithSummary("Delete a pipeline and its stages.");
        return api;
    }
}

[JsonSerializable(typeof(CreatePipeline.Request), TypeInfoPropertyName = "CreatePipelineRequest")]
[JsonSerializable(typeof(UpdatePipelineProgress.Request), TypeInfoPropertyName = "UpdatePipelineProgressRequest")]
[JsonSerializable(typeof(UpdatePipelineStatus.Request), TypeInfoPropertyName = "UpdatePipelineStatusRequest")]
[JsonSerializable(typeof(UpdatePipelineStage.Request), TypeInfoPropertyName = "UpdatePipelineStageRequest")]
[JsonSerializable(typeof(CleanupPipelines.Request), TypeInfoPropertyName = "CleanupPipelinesRequest")]
[JsonSerializable(typeof(CleanupPipelines.Response), TypeInfoPropertyName = "CleanupPipelinesResponse")]
[JsonSerializable(typeof(Pipeline))]
[JsonSerializable(typeof(PipelineSummary))]
[JsonSerializable(typeof(PipelineDeleted))]
[JsonSerializable(typeof(CursorPage<PipelineSummary>))]
[JsonSerializable(typeof(GetPipelineStatistics.Response), TypeInfoPropertyName = "GetPipelineStatisticsResponse")]
// The OpenAPI generator describes the event streams through this type; AOT needs its metadata (else /openapi/v1.json is a 500).
[JsonSerializable(typeof(System.Net.ServerSentEvents.SseItem<byte[]>), TypeInfoPropertyName = "SseItemOfByteArray")]
internal sealed partial class PipelinesJsonContext : JsonSerializerContext;
