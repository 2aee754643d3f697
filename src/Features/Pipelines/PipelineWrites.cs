using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssetForge.Features.Pipelines;

/// <summary>The answers the PATCH routes share: the stored pipeline with its new ETag, or why nothing was stored.</summary>
internal static class PipelineWrites
{
    public static Ok<Pipeline> Ok(HttpResponse response, PipelineRow row, List<StageRow> stages)
    {
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse(stages));
    }

    public static ValidationProblem UnknownStage(string field, List<StageRow> stages) => Problems.Validation(field,
        $"'{field}' must name one of the pipeline's stages: {string.Join(", ", stages.Select(s => s.StageName))}.");
}
