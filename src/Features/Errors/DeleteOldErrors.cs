using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// DELETE /api/errors?olderThan=&amp;resolvedOnly= (admin): retention. Deletes in batches, each its own short
/// transaction, so a large purge never holds locks on the whole table; answers how many rows were really deleted.
/// Aggregations of the deleted errors' hours stay as they were (rebuilding those hours would drop them).
/// </summary>
public static partial class DeleteOldErrors
{
    /// <summary>What the deletion did.</summary>
    /// <param name="Deleted">How many errors were deleted.</param>
    public sealed record Response(long Deleted);

    /// <remarks>Admin only. Deletes errors recorded before `olderThan` (not in the future), in batches, optionally only resolved ones, and answers how many went. Aggregated buckets stay.</remarks>
    public static async Task<Results<Ok<Response>, ValidationProblem>> HandleAsync(
        DateTimeOffset olderThan, bool? resolvedOnly, NpgsqlDataSource db, IOptions<ErrorsSettings> settings, TimeProvider clock, CancellationToken ct)
    {
        // A cut-off in the future would delete errors that are still being reported: almost surely a mistake.
        if (olderThan > clock.GetUtcNow()) return Problems.Validation("olderThan", "'olderThan' must not be in the future.");

        await using var connection = await db.OpenConnectionAsync(ct);
        var deleted = await DeleteInBatchesAsync(connection, olderThan, resolvedOnly ?? false, settings.Value.RetentionBatchSize, ct);
        return TypedResults.Ok(new Response(deleted));
    }

    internal static async Task<long> DeleteInBatchesAsync(NpgsqlConnection connection, DateTimeOffset olderThan, bool resolvedOnly,
        int batchSize, CancellationToken ct)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await DeleteBatchAsync(connection, olderThan, resolvedOnly, batchSize, ct);
            total += deleted;
        }
        while (deleted == batchSize);
        return total;
    }

    // SKIP LOCKED: a row an admin is resolving right now is left for the next run instead of waited for.
    [Execute("""
        DELETE FROM api_errors
        WHERE id IN (
            SELECT id FROM api_errors
            WHERE created_at < @olderThan AND (NOT @resolvedOnly OR resolved)
            ORDER BY created_at
            LIMIT @batchSize
            FOR UPDATE SKIP LOCKED)
        """)]
    private static partial Task<int> DeleteBatchAsync(NpgsqlConnection connection, DateTimeOffset olderThan, bool resolvedOnly,
        int batchSize, CancellationToken ct);
}
