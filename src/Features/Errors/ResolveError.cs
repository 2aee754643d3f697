using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// POST /api/errors/{id}/resolve (admin): records how the error was resolved, when and by whom. The first
/// resolution stands: resolving again is a 409 that changes nothing. Honours If-Match.
/// </summary>
public static partial class ResolveError
{
    /// <summary>How the error was resolved.</summary>
    /// <param name="Resolution">What was done about it (1..10,000 characters).</param>
    public sealed record Request(string Resolution);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Resolution).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(10_000);
    }

    /// <remarks>Admin only. Marks the error resolved with how it was resolved, stamped with the time and the resolver. The first resolution stands: resolving again is a 409. If-Match guards against resolving an error that changed since it was read.</remarks>
    public static async Task<Results<Ok<ApiError>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlConnection db, HttpRequest http, HttpResponse response,
        TimeProvider clock, CancellationToken ct)
    {
        var ifMatch = ETags.IfMatch(http);
        var (outcome, row) = await ResolveAsync(db, id, user.Id, Redaction.Text(request.Resolution), clock.GetUtcNow(), ifMatch, ct);
        switch (outcome)
        {
            case WriteOutcome.Done:
                ETags.Set(response, row!.Version);
                return TypedResults.Ok(row.ToResponse());
            case WriteOutcome.NotFound:
                return TypedResults.NotFound();
            case WriteOutcome.Conflict:
                return Problems.Conflict("The error is already resolved; its first resolution stands.");
            default:
                return Problems.Stale("error");
        }
    }

    // The row is locked first, so a concurrent resolution is seen as "already resolved" (conflict) rather than lost;
    // the second statement (same round trip and transaction) reads the result.
    [Query("""
        WITH target AS (
            SELECT id, resolved, xmin::text::bigint AS version FROM api_errors WHERE id = @id FOR UPDATE
        ), updated AS (
            UPDATE api_errors e
            SET resolved = true, resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution = @resolution
            FROM target t
            WHERE e.id = t.id AND NOT t.resolved AND (@ifMatch::bigint[] IS NULL OR t.version = ANY(@ifMatch))
            RETURNING e.id
        )
        SELECT CASE WHEN EXISTS (SELECT FROM updated) THEN 'done'
                    WHEN NOT EXISTS (SELECT FROM target) THEN 'not_found'
                    WHEN (SELECT resolved FROM target) THEN 'conflict'
                    ELSE 'stale' END
        """,
        $"SELECT {ApiErrorRow.Columns} FROM api_errors WHERE id = @id")]
    private static partial Task<(WriteOutcome, ApiErrorRow?)> ResolveAsync(NpgsqlConnection db, Guid id, Guid resolvedBy, string resolution,
        DateTimeOffset resolvedAt, long[]? ifMatch, CancellationToken ct);
}
