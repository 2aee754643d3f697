using System.Globalization;
using System.Threading.RateLimiting;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Reads are not limited. Writes (POST/PUT/PATCH/DELETE) spend a per-user budget; the only writes open to
/// anonymous callers (error reports) spend a stricter per-IP budget. Over budget: 429 problem+json with
/// Retry-After. Budgets come from RateLimiting:Writes and RateLimiting:Anonymous (PermitLimit per WindowSeconds).
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddAssetForgeRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var writes = Budget(configuration.GetSection("RateLimiting:Writes"), permits: 600, seconds: 60);
        var anonymous = Budget(configuration.GetSection("RateLimiting:Anonymous"), permits: 30, seconds: 60);

        services.AddRateLimiter(o =>
        {
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

    private static FixedWindowRateLimiterOptions Budget(IConfigurationSection section, int permits, int seconds) => new()
    {
        PermitLimit = section.GetValue("PermitLimit", permits),
        Window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", seconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
