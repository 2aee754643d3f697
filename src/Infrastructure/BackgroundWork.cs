namespace AssetForge.Infrastructure;

/// <summary>
/// A background service for which the host stopping is not a failure. The host forgives a service that ends cancelled
/// only once StopAsync was called; a host whose start failed (its port taken) cancels its services without it, and
/// each cancelled wait was logged as "BackgroundService failed", an Error under the real one.
/// </summary>
public abstract class BackgroundWork : Microsoft.Extensions.Hosting.BackgroundService
{
    protected abstract Task RunUntilStoppedAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunUntilStoppedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
