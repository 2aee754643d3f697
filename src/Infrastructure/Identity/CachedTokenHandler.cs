using AssetForge.Infrastructure.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Infrastructure.Identity;

/// <summary>
/// Remembers tokens that validated, until they expire (at most <see cref="MaxAge"/>), so a client that sends the
/// same bearer token on every request pays for the signature check once instead of on every call (it was a
/// quarter of the API's CPU per request). Only successes are kept; a token is judged again once its entry
/// lapses, and never served past its own expiry. Entries are bounded in number.
/// </summary>
internal sealed class CachedTokenHandler(TokenHandler inner, IMemoryCache cache, TimeProvider time) : TokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset ValidUntil);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(token, out Entry? entry) && entry is not null && now < entry.ValidUntil)
        {
            AppMetrics.TokenCache(hit: true);
            return entry.Result;
        }
        AppMetrics.TokenCache(hit: false);

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            if (until > now)
                cache.Set(token, new Entry(result, until), new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = 1 });
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);
}
