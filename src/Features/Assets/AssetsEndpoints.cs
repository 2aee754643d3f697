using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Assets;

public static class AssetsEndpoints
{
    public static IServiceCollection AddAssets(this IServiceCollection services) => services
        .AddValidator<CreateAsset.Request, CreateAsset.Validator>()
        .AddJsonContext(AssetsJsonContext.Default);

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder api)
    {
        var assets = api.MapGroup("/assets").WithTags("Assets").WithValidation();
        assets.MapPost("/", CreateAsset.HandleAsync).Idempotent()
            .WithExample(AssetExamples.Create, AssetExamples.Asset).WithETag().WithName("CreateAsset").WithSummary("Create an asset owned by the caller.");
        assets.MapGet("/{id}", GetAsset.HandleAsync)
            .WithExample(null, AssetExamples.Asset).WithETag().WithName("GetAsset").WithSummary("One asset (its owner or an admin).");
        return api;
    }
}

[JsonSerializable(typeof(CreateAsset.Request))]
[JsonSerializable(typeof(Asset))]
internal sealed partial class AssetsJsonContext : JsonSerializerContext;
