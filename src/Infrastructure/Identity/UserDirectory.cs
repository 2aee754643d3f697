using AssetForge.Infrastructure.Data;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace AssetForge.Infrastructure.Identity;

[DbRow]
public sealed partial record UserRow(Guid Id, string Role);

/// <summary>
/// Resolves a token subject to its users row, creating the row the first time the subject is seen. The answer
/// is cached for a few minutes, so requests do not write (or even read) the database on every call; a role
/// change in the database is seen within <see cref="CacheFor"/>.
/// </summary>
public sealed partial class UserDirectory(NpgsqlDataSource db, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    public async ValueTask<UserRow> ResolveAsync(string subject, string? email, string? name, CancellationToken ct)
    {
        var key = "user:" + subject;
        if (cache.TryGetValue(key, out UserRow? cached) && cached is not null) return cached;

        // An upsert returns the row whether this request created it or a concurrent first request did:
        // the unique index on privy_user_id makes the two race to one row, never two. It also records the login.
        var row = await UpsertAsync(db, subject, Trim(email, 255), Trim(name, 255), ct);
        cache.Set(key, row, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 });
        return row;
    }

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= max ? value : value[..max];

    [Query("""
        INSERT INTO users (privy_user_id, email, display_name, last_login_at)
        VALUES (@subject, @email, @name, now())
        ON CONFLICT (privy_user_id) DO UPDATE SET last_login_at = now()
        RETURNING id, role
        """)]
    private static partial Task<UserRow> UpsertAsync(NpgsqlDataSource db, string subject, string? email, string? name, CancellationToken ct);
}
