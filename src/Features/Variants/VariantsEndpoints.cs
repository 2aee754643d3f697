using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;

namespace AssetForge.Features.Variants;

public static class VariantsEndpoints
{
    public static IServiceCollection AddVariants(this IServiceCollection services) => services
        .AddValidator<CreateVariant.Request, CreateVariant.Validator>()
        .AddValidator<UpdateVariant.Request, UpdateVariant.Validator>()
        .AddValidator<UpdateVariantStatus.Request, UpdateVariantStatus.Validator>()
        .AddValidator<SetVariantOrder.Request, SetVariantOrder.Validator>()
        .AddJsonContext(VariantsJsonContext.Default);

    public static IEndpointRouteBuilder MapVariants(this IEndpointRouteBuilder api)
    {
        var ofAsset = api.MapGroup("/assets/{baseAssetId}/variants").WithTags("Variants").WithValidation();
        ofAsset.MapPost("/", CreateVariant.HandleAsync).Idempotent()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithExample(VariantExamples.Create, VariantExamples.Variant).WithETag().WithName("CreateVariant").WithSummary("Create a variant of a base asset; its statistics follow in the same transaction.");
        ofAsset.MapGet("/", ListAssetVariants.HandleAsync)
            .WithExample(null, VariantExamples.OffsetPage).WithName("ListAssetVariants").WithSummary("The base asset's gallery: an offset page in display order, each variant with its asset.");
        ofAsset.MapGet("/order", GetVariantOrder.HandleAsync)
            .WithExample(null, VariantExamples.Order).WithETag().WithName("GetVariantOrder").WithSummary("Every variant id of the base asset in gallery order, with the ETag the reorder needs.");
        ofAsset.MapPut("/order", SetVariantOrder.HandleAsync)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(VariantExamples.Order, VariantExamples.Order).WithETag().WithName("SetVariantOrder").WithSummary("Set the gallery order of all the base asset's variants in one transaction.");
        ofAsset.MapGet("/statistics", GetVariantStatistics.HandleAsync)
            .WithExample(null, VariantExamples.Statistics).WithName("GetVariantStatistics").WithSummary("The base asset's variant statistics: one row read.");
        ofAsset.MapPost("/statistics/recalculate", RecalculateVariantStatistics.HandleAsync).Idempotent()
            .RequireAuthorization(Authentication.AdminPolicy)
            .WithExample(null, VariantExamples.Statistics).WithName("RecalculateVariantStatistics").WithSummary("Admin: rebuild the base asset's statistics row from its variants.");

        var variants = api.MapGroup("/variants").WithTags("Variants").WithValidation();
        variants.MapGet("/", ListVariants.HandleAsync)
            .WithQueryLabels<VariantStatus>("status")
            .WithExample(null, VariantExamples.CursorPage).WithName("ListVariants").WithSummary("Variants of a preset and/or in generation statuses, newest first (cursor page).");
        variants.MapGet("/by-retexture-task/{taskId}", GetVariantByRetextureTask.HandleAsync)
            .WithExample(null, VariantExamples.Variant).WithETag().WithName("GetVariantByRetextureTask").WithSummary("The variant an external retexture task works on.");
        variants.MapGet("/{id}", GetVariant.HandleAsync)
            .WithExample(null, VariantExamples.Variant).WithETag().WithName("GetVariant").WithSummary("One variant with its asset.");
        variants.MapPatch("/{id}", UpdateVariant.HandleAsync)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(VariantExamples.Update, VariantExamples.Variant).WithETag().WithName("UpdateVariant").WithSummary("Change display order, active flag, metadata, style prompt or retexture task id.");
        variants.MapPatch("/{id}/status", UpdateVariantStatus.HandleAsync)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithExample(VariantExamples.Status, VariantExamples.Variant).WithETag().WithName("UpdateVariantStatus").WithSummary("Record generation progress; statistics follow in the same transaction.");
        variants.MapDelete("/{id}", DeleteVariant.HandleAsync)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithName("DeleteVariant").WithSummary("Delete a variant (not its asset); statistics follow.");
        return api;
    }
}

[JsonSerializable(typeof(CreateVariant.Request), TypeInfoPropertyName = "CreateVariantRequest")]
[JsonSerializable(typeof(UpdateVariant.Request), TypeInfoPropertyName = "UpdateVariantRequest")]
[JsonSerializable(typeof(UpdateVariantStatus.Request), TypeInfoPropertyName = "UpdateVariantStatusRequest")]
[JsonSerializable(typeof(SetVariantOrder.Request), TypeInfoPropertyName = "SetVariantOrderRequest")]
[JsonSerializable(typeof(Variant))]
[JsonSerializable(typeof(VariantOrder))]
[JsonSerializable(typeof(VariantStatistics))]
[JsonSerializable(typeof(OffsetPage<Variant>))]
[JsonSerializable(typeof(CursorPage<Variant>))]
internal sealed partial class VariantsJsonContext : JsonSerializerContext;
