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
                if (CurrentUser.From(http.User) is { } user)
                    return RateLimitPartition.GetFixedWindowLimiter("user:" + user.Id, _ => writes);
                var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter("ip:" + ip, _ => anonymous);
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
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
