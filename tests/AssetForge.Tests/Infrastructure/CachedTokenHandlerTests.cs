using AssetForge.Infrastructure.Identity;
using AssetForge.Tests.Support;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Tests.Infrastructure;

public sealed class CachedTokenHandlerTests
{
    private sealed class CountingHandler(bool valid) : TokenHandler
    {
        public int Calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new TokenValidationResult { IsValid = valid, SecurityToken = new JsonWebToken(token) });
        }
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly TokenValidationParameters Parameters = new();

    [Fact]
    public async Task A_valid_token_is_checked_once_until_it_expires()
    {
        var expires = DateTime.UtcNow.AddMinutes(2);
        var token = Tokens.Create(Tokens.NewSubject(), expires: expires);
        var inner = new CountingHandler(valid: true);
        var clock = new Clock(DateTimeOffset.UtcNow);
        var handler = new CachedTokenHandler(inner, new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 }), clock);

        for (var i = 0; i < 5; i++) Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(1, inner.Calls);

        clock.Now = new DateTimeOffset(expires).AddSeconds(1); // past the token's own expiry: judged again
        await handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task No_token_is_trusted_longer_than_the_maximum_age()
    {
        var token = Tokens.Create(Tokens.NewSubject(), expires: DateTime.UtcNow.AddHours(5));
        var inner = new CountingHandler(valid: true);
        var clock = new Clock(DateTimeOffset.UtcNow);
        var handler = new CachedTokenHandler(inner, new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 }), clock);

        await handler.ValidateTokenAsync(token, Parameters);
        clock.Now += CachedTokenHandler.MaxAge + TimeSpan.FromSeconds(1);
        await handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task Rejected_tokens_are_never_remembered()
    {
        var token = Tokens.Create(Tokens.NewSubject());
        var inner = new CountingHandler(valid: false);
        var handler = new CachedTokenHandler(inner, new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 }), TimeProvider.System);

        for (var i = 0; i < 3; i++) Assert.False((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(3, inner.Calls);
    }
}
