using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Http;

/// <summary>
/// Graceful shutdown for keep-alive clients behind a load balancer: once the host is told to stop, readiness
/// answers 503 and every response carries <c>Connection: close</c> for Shutdown:DrainSeconds (default 5) before
/// Kestrel stops listening, so a client's last answer on a kept-alive connection closes it cleanly instead of the
/// connection being reset under its next request.
/// </summary>
public sealed partial class ShutdownDrain
{
    private volatile bool _draining;

    public ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<ShutdownSettings> settings, ILogger<ShutdownDrain> logger)
    {
        var drain = settings.Value.Drain;
        // ApplicationStopping callbacks run before the server stops, so waiting here keeps Kestrel serving (and
        // answering "Connection: close") for the drain period.
        lifetime.ApplicationStopping.Register(() =>
        {
            _draining = true;
            LogDraining(logger, drain.TotalSeconds);
            if (drain > TimeSpan.Zero) Thread.Sleep(drain);
        });
    }

    public bool IsDraining => _draining;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: draining connections for {Seconds} s (Connection: close, readiness 503).")]
    private static partial void LogDraining(ILogger logger, double seconds);
}

public static class ShutdownDrainExtensions
{
    public static IApplicationBuilder UseShutdownDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        return app.Use((http, next) =>
        {
            // Decided when the response starts (not when the request came in), and after any exception handler
            // has cleared the headers.
            http.Response.OnStarting(static state =>
            {
                var (response, drain) = ((HttpResponse, ShutdownDrain))state;
                if (drain.IsDraining) response.Headers.Connection = "close";
                return Task.CompletedTask;
            }, (http.Response, drain));
            return next(http);
        });
    }
}
