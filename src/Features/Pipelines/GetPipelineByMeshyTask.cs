using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// GET /api/pipelines/by-meshy-task/{taskId}: the pipeline a generation worker's Meshy task belongs to. Task ids
/// are not unique in the table (a retried pipeline may reuse one), so the newest visible pipeline wins.
/// </summary>
public static partial class GetPipelineByMeshyTask
{
    /// <remarks>The pipeline a generation worker's Meshy task belongs to, with its stages and ETag. Task ids may repeat (a retried pipeline may reuse one): the newest pipeline the caller may see wins.</remarks>
    public static async Task<Results<Ok<Pipeline>, NotFound, ValidationProblem>> HandleAsync(string taskId, CurrentUser user,
        NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        if (taskId.Length > 255) return Problems.Validation("taskId", "'taskId' must be 255 characters or fewer.");
        var (row, stages) = await FindAsync(db, taskId, user.Id, user.IsAdmin, ct);
        if (row is null) return TypedResults.NotFound();
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse(stages));
    }

    private const string Newest = """
        SELECT id FROM generation_pipelines
        WHERE meshy_task_id = @taskId AND (user_id = @userId OR @isAdmin)
        ORDER BY created_at DESC, id DESC
        LIMIT 1
        """;

    [Query($"SELECT {PipelineRow.Columns} FROM generation_pipelines WHERE id = ({Newest})",
           $"""
           SELECT id, stage_name, stage_order, status, progress, result, error, error_details, started_at, completed_at, duration
           FROM pipeline_stages
           WHERE pipeline_id = ({Newest})
           ORDER BY stage_order
           """)]
    private static partial Task<(PipelineRow?, List<StageRow>)> FindAsync(NpgsqlDataSource db, string taskId, Guid userId,
        bool isAdmin, CancellationToken ct);
}
