using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// POST /api/pipelines/cleanup (admin): <c>{ olderThan }</c> deletes the terminal pipelines (completed, failed,
/// cancelled) whose completed_at is before it, stages included, in batches of Pipelines:JobBatchSize so no statement
/// holds thousands of row locks; answers <c>{ deleted }</c> with the number of pipelines really deleted. The
/// retention job runs the same statement.
/// </summary>
public static partial class CleanupPipelines
{
    /// <summary>Which finished pipelines to delete.</summary>
    /// <param name="OlderThan">Delete completed, failed and cancelled pipelines that finished before this instant (required, not in the future).</param>
    public sealed record Request(DateTimeOffset? OlderThan);

    /// <summary>What the cleanup did.</summary>
    /// <param name="Deleted">How many pipelines were deleted (their stages with them).</param>
    public sealed record Response(long Deleted);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.OlderThan).NotNull();
            RuleFor(r => r.OlderThan).Must(t => t <= clock.GetUtcNow()).When(r => r.OlderThan is not null)
                .WithMessage("'{PropertyName}' must not be in the future.");
        }
    }

    /// <remarks>Admin only. Deletes the completed, failed and cancelled pipelines that finished before `olderThan`, stages included, in batches, and answers how many. Running pipelines are never deleted.</remarks>
    public static async Task<Ok<Response>> HandleAsync(Request request, NpgsqlConnection connection, IOptions<PipelinesSettings> settings,
        CancellationToken ct)
    {
        var deleted = await DeleteTerminalAsync(connection, request.OlderThan!.Value, settings.Value.JobBatchSize, ct);
        return TypedResults.Ok(new Response(deleted));
    }

    /// <summary>Deletes batch after batch until one comes back short; returns the pipelines deleted.</summary>
    public static async Task<long> DeleteTerminalAsync(NpgsqlConnection connection, DateTimeOffset completedBefore, int batchSize,
        CancellationToken ct)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await DeleteBatchAsync(connection, completedBefore, batchSize, ct);
            total += deleted;
        }
        while (deleted == batchSize);
        return total;
    }

    // SKIP LOCKED: a pipeline someone is writing right now is left for the next batch or run.
    [Execute($"""
        DELETE FROM generation_pipelines p
        USING (SELECT id FROM generation_pipelines
               WHERE status IN {PipelineSql.Terminal} AND completed_at < @completedBefore
               ORDER BY completed_at
               LIMIT @batchSize
               FOR UPDATE SKIP LOCKED) doomed
        WHERE p.id = doomed.id
        """)]
    private static partial Task<int> DeleteBatchAsync(NpgsqlConnection connection, DateTimeOffset completedBefore, int batchSize,
        CancellationToken ct);
}
