using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace AssetForge.Tests.Infrastructure;

/// <summary>Every section is validated when the host starts: a bad value stops it with a message naming the key.</summary>
public sealed class SettingsTests
{
    private sealed class Misconfigured(string key, string value) : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new(key, value)];
    }

    [Theory]
    [InlineData("Pipelines:RetentionDays", "0")]
    [InlineData("Pipelines:JobIntervalSeconds", "-5")]
    [InlineData("Pipelines:JobBatchSize", "ten")]
    [InlineData("Errors:RetentionBatchSize", "0")] // clamped to 1 before issue 10
    [InlineData("Errors:RetentionDays", "-1")]
    [InlineData("Errors:UnhandledQueueCapacity", "0")]
    [InlineData("Errors:AggregationIntervalSeconds", "0")]
    [InlineData("Api:MaxRequestBodyBytes", "0")]
    [InlineData("Authentication:ValidatedTokenCacheSize", "-1")]
    [InlineData("RateLimiting:Writes:PermitLimit", "0")]
    [InlineData("RateLimiting:Anonymous:WindowSeconds", "0")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "not-an-ip")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99")]
    [InlineData("Cors:AllowedOrigins:0", "example.com")]
    [InlineData("Jobs:Enabled", "sometimes")]
    [InlineData("Jobs:StartDelaySeconds", "-1", "between 0 and 3600")]
    // Sections added after issue 10's first round read configuration themselves: each out-of-range value here was
    // clamped or ignored (a negative drain or slow-query threshold), Database:RetryAfterSeconds was only read while
    // answering a 503, and MaxStreams=1e9 was read as a double.
    [InlineData("Idempotency:RetentionHours", "0", "between 1 and 8760")]
    [InlineData("Idempotency:RetentionHours", "a day", "to type")]
    [InlineData("Idempotency:JobIntervalSeconds", "0", "between 1 and 604800")]
    [InlineData("Idempotency:JobIntervalSeconds", "10m", "to type")]
    [InlineData("Idempotency:JobBatchSize", "-1", "between 1 and 1000000")]
    [InlineData("Idempotency:JobBatchSize", "lots", "to type")]
    [InlineData("Database:RetryAfterSeconds", "0", "between 1 and 3600")]
    [InlineData("Database:RetryAfterSeconds", "2.5", "to type")]
    [InlineData("Database:StartupTimeoutSeconds", "-1", "between 0 and 3600")]
    [InlineData("Database:StartupTimeoutSeconds", "a minute", "to type")]
    [InlineData("Database:SlowQueryMilliseconds", "-1", "between 0 and 3600000")]
    [InlineData("Database:SlowQueryMilliseconds", "fast", "to type")]
    [InlineData("Shutdown:DrainSeconds", "-5", "between 0 and 300")]
    [InlineData("Shutdown:DrainSeconds", "301", "between 0 and 300")]
    [InlineData("Shutdown:DrainSeconds", "5s", "to type")]
    [InlineData("Telemetry:Enabled", "maybe", "to type")]
    [InlineData("Telemetry:RecordSqlText", "yes", "to type")]
    [InlineData("Pipelines:Events:HeartbeatSeconds", "0", "between 0 exclusive and 3600")]
    [InlineData("Pipelines:Events:HeartbeatSeconds", "often", "to type")]
    [InlineData("Pipelines:Events:RetryMilliseconds", "0", "between 1 and 3600000")]
    [InlineData("Pipelines:Events:RetryMilliseconds", "3s", "to type")]
    [InlineData("Pipelines:Events:MaxStreamsPerUser", "0", "between 1 and 1000000")]
    [InlineData("Pipelines:Events:MaxStreamsPerUser", "many", "to type")]
    [InlineData("Pipelines:Events:MaxStreams", "-1", "between 1 and 1000000")]
    [InlineData("Pipelines:Events:MaxStreams", "1e9", "to type")]
    [InlineData("Pipelines:Events:RetryAfterSeconds", "0", "between 1 and 3600")]
    [InlineData("Pipelines:Events:RetryAfterSeconds", "soon", "to type")]
    [InlineData("Pipelines:Events:ReadConcurrency", "0", "between 1 and 256")]
    [InlineData("Pipelines:Events:ReadConcurrency", "257", "between 1 and 256")]
    [InlineData("Pipelines:Events:ReadConcurrency", "four", "to type")]
    [InlineData("Logging:Format", "xml", "json or text")] // was read as text
    public async Task A_bad_value_stops_start_up_naming_its_key(string key, string value, string? says = null)
    {
        await using var factory = new Misconfigured(key, value);
        await ((Xunit.IAsyncLifetime)factory).InitializeAsync();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains(key, messages);
        // The allowed range, or the binder's "Failed to convert configuration value … to type …" for one that does not parse.
        if (says is not null) Assert.Contains(says, messages);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }
}
