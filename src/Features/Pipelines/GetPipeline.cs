using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>GET /api/pipelines/{id}: the pipeline with its stages in order, in one round trip, with its ETag.</summary>
public static partial class GetPipeline
{
    /// <remarks>One pipeline the caller may see, with its stages in run order and its ETag; If-None-Match with that ETag answers 304 without a body. Another user's pipeline is a 404.</remarks>
    public static async Task<Results<Ok<Pipeline>, NotFound>> HandleAsync(Guid id, CurrentUser user, NpgsqlDataSource db,
        HttpResponse response, CancellationToken ct)
    {
        var (row, stages) = await FindAsync(db, id, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse(stages));
    }

    [Query(PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(PipelineRow?, List<StageRow>)> FindAsync(NpgsqlDataSource db, Guid id, Guid userId,
        bool isAdmin, CancellationToken ct);
}
