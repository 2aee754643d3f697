using System.Globalization;
using System.Threading.RateLimiting;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Reads are not limited. Writes (POST/PUT/PATCH/DELETE) spend a per-user budget; the only writes open to
/// anonymous callers (error reports) spend a stricter per-IP budget. Over budget: 429 problem+json with
/// Retry-After. Budgets come from RateLimiting:Writes and RateLimiting:Anonymous (PermitLimit per WindowSeconds).
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddAssetForgeRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((o, settings) =>
        {
            var writes = Budget(settings.Value.Writes);
            var anonymous = Budget(settings.Value.Anonymous);
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
                    return RateLimitPartition.GetNoLimiter("reads");
                // Windows are aligned to the clock (window n covers [n·W, (n+1)·W)) and the window's number is part
                // of the partition key, so the time left, and hence Retry-After, is known exactly; a past window's
                // limiter goes idle and the partitioned limiter drops it.
                if (CurrentUser.From(http.User) is { } user)
                    return RateLimitPartition.GetFixedWindowLimiter(Window.Key("user:" + user.Id, writes.Window), _ => writes);
                var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(Window.Key("ip:" + ip, anonymous.Window), _ => anonymous);
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var window = CurrentUser.From(http.User) is null ? anonymous.Window : writes.Window;
                var seconds = Math.Max(1, (int)Math.Ceiling(Window.Left(window).TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"The write budget for this caller is spent; retry in {seconds} s.",
                    },
                });
            };
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Budget(WriteBudget budget) => new()
    {
        PermitLimit = budget.PermitLimit,
        Window = TimeSpan.FromSeconds(budget.WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>Clock-aligned fixed windows: which one a moment falls in, and how much of it is left.</summary>
internal static class Window
{
    public static string Key(string caller, TimeSpan window) =>
        caller + "@" + (DateTimeOffset.UtcNow.Ticks / window.Ticks).ToString(CultureInfo.InvariantCulture);

    public static TimeSpan Left(TimeSpan window) =>
        TimeSpan.FromTicks(window.Ticks - DateTimeOffset.UtcNow.Ticks % window.Ticks);
}
