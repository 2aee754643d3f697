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
    public async Task A_bad_value_stops_start_up_naming_its_key(string key, string value)
    {
        await using var factory = new Misconfigured(key, value);
        await ((Xunit.IAsyncLifetime)factory).InitializeAsync();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains(key, messages);
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
