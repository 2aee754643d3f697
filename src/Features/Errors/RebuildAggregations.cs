using AssetForge.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Errors;

/// <summary>
/// POST /api/errors/aggregations/rebuild (admin): recomputes every complete hour overlapping [from, to) from the
/// errors stored now, in one statement. Running it twice leaves identical rows; an hour whose errors are gone
/// (retention) loses its buckets. The hour in progress is left to the job, which aggregates it once complete.
/// </summary>
public static class RebuildAggregations
{
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>The period whose hourly buckets are recomputed from the errors.</summary>
    /// <param name="From">Start of the period (required); rounded down to the hour.</param>
    /// <param name="To">End of the period (required, after from, at most 31 days of hours); rounded up to the hour.</param>
    public sealed record Request(DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>What the rebuild did.</summary>
    /// <param name="From">The first hour rebuilt.</param>
    /// <param name="To">The end of the last hour rebuilt.</param>
    /// <param name="Hours">How many hours were recomputed.</param>
    /// <param name="Buckets">How many buckets those hours have now.</param>
    /// <param name="Changed">Buckets inserted or changed.</param>
    /// <param name="Removed">Buckets removed (their errors were deleted).</param>
    public sealed record Response(DateTimeOffset From, DateTimeOffset To, int Hours, int Buckets, int Changed, int Removed);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.From).NotNull();
            RuleFor(r => r.To).NotNull();
            RuleFor(r => r.To).Must((r, to) => to > r.From).When(r => r.From is not null && r.To is not null)
                .WithMessage("'to' must be after 'from'.");
            // Rounding a 'to' in the calendar's last hour up to the next hour would leave the calendar (a 500).
            RuleFor(r => r.To).Must(to => to <= AggregateErrors.LatestHour).When(r => r.To is not null)
                .WithMessage($"'to' must be at most {AggregateErrors.LatestHour:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
            RuleFor(r => r.To).Must((r, to) => AggregateErrors.CeilingHour(to!.Value) - AggregateErrors.FloorHour(r.From!.Value) <= MaxRange)
                .When(r => r.From is not null && r.To <= AggregateErrors.LatestHour)
                .WithMessage($"At most {MaxRange.TotalDays} days can be rebuilt at once.");
        }
    }

    /// <remarks>Admin only. Recomputes the hourly buckets of [from, to) (whole hours, at most 31 days) from the errors themselves, e.g. after deleting some, and answers what changed. Safe to repeat.</remarks>
    public static async Task<Results<Ok<Response>, ValidationProblem>> HandleAsync(Request request, NpgsqlConnection connection, TimeProvider clock, CancellationToken ct)
    {
        var from = AggregateErrors.FloorHour(request.From!.Value);
        var to = AggregateErrors.CeilingHour(request.To!.Value);
        var currentHour = AggregateErrors.FloorHour(clock.GetUtcNow());
        if (to > currentHour) to = currentHour;
        if (from >= to) return Problems.Validation("from", "Only complete hours can be rebuilt: 'from' must be before the start of the current hour.");

        var hours = (int)((to - from).Ticks / TimeSpan.TicksPerHour);
        var run = await AggregateErrors.AggregateAsync(connection, from, to, onlyPending: false, hours, ct);
        return TypedResults.Ok(new Response(from, to, run.Hours, run.Buckets, run.Changed, run.Removed));
    }
}
