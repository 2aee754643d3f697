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
    public sealed record Request(string Resolution);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Resolution).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(10_000).Must(StoredText.IsStorable!).WithMessage(StoredText.Message);
    }

    [DbRow]
    public sealed partial record Outcome(bool Changed, bool Found, bool WasResolved, long? CurrentVersion);

    public static async Task<Results<Ok<ApiError>, NotFound, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, CurrentUser user, NpgsqlConnection db, HttpRequest http, HttpResponse response,
        TimeProvider clock, CancellationToken ct)
    {
        var ifMatch = ETags.IfMatch(http);
        var (outcome, row) = await ResolveAsync(db, id, user.Id, Redaction.Text(request.Resolution), clock.GetUtcNow(), ifMatch, ct);
        if (!outcome.Found) return TypedResults.NotFound();
        if (outcome.WasResolved) return Problems.Status(409, "The error is already resolved; its first resolution stands.");
        if (!outcome.Changed || row is null)
            return Problems.Status(412, "The error has changed since you read it (If-Match did not match its ETag).");
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToResponse());
    }

    // The row is locked first, so a concurrent resolution is seen as "already resolved" rather than lost; the
    // outcome row tells 404 / 409 / 412 apart; the second statement (same round trip and transaction) reads the result.
    [Query("""
        WITH target AS (
            SELECT id, resolved, xmin::text::bigint AS version FROM api_errors WHERE id = @id FOR UPDATE
        ), updated AS (
            UPDATE api_errors e
            SET resolved = true, resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution = @resolution
            FROM target t
            WHERE e.id = t.id AND NOT t.resolved AND (@ifMatch::bigint IS NULL OR t.version = @ifMatch)
            RETURNING e.id
        )
        SELECT EXISTS (SELECT 1 FROM updated) AS changed, EXISTS (SELECT 1 FROM target) AS found,
               coalesce((SELECT resolved FROM target), false) AS was_resolved, (SELECT version FROM target) AS current_version
        """,
        $"SELECT {ApiErrorRow.Columns} FROM api_errors WHERE id = @id")]
    private static partial Task<(Outcome, ApiErrorRow?)> ResolveAsync(NpgsqlConnection db, Guid id, Guid resolvedBy, string resolution,
        DateTimeOffset resolvedAt, long? ifMatch, CancellationToken ct);
}
