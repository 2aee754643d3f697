using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure.Http;

/// <summary>A cursor page: newest first by (created_at, id).</summary>
/// <param name="Data">The items of this page.</param>
/// <param name="Pagination">Where this page stands and how to get the next.</param>
public sealed record CursorPage<T>(IReadOnlyList<T> Data, CursorPagination Pagination);

/// <summary>Cursor paging state.</summary>
/// <param name="Limit">The page size used.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="NextCursor">Pass as `cursor` for the next page; null on the last page.</param>
public sealed record CursorPagination(int Limit, bool HasMore, string? NextCursor);

/// <summary>An offset page with the total, for galleries.</summary>
/// <param name="Data">The items of this page.</param>
/// <param name="Pagination">Where this page stands among all.</param>
public sealed record OffsetPage<T>(IReadOnlyList<T> Data, OffsetPagination Pagination);

/// <summary>Offset paging state.</summary>
/// <param name="Limit">The page size used.</param>
/// <param name="Page">This page's number (from 1).</param>
/// <param name="Total">How many items there are in all.</param>
/// <param name="HasMore">Whether a later page has items.</param>
public sealed record OffsetPagination(int Limit, int Page, long Total, bool HasMore);

/// <summary>The position after the last row of a page: its created_at and id (the tie-breaker).</summary>
public readonly record struct Keyset(DateTimeOffset CreatedAt, Guid Id);

public static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxPage = 1_000_000;

    /// <summary>The page size asked for (default 20); one outside 1..100 is added to <paramref name="errors"/>.</summary>
    public static int Limit(int? requested, FieldErrors errors)
    {
        var limit = requested ?? DefaultLimit;
        if (limit is >= 1 and <= MaxLimit) return limit;
        errors.Add("limit", $"limit must be between 1 and {MaxLimit}.");
        return DefaultLimit;
    }

    /// <summary>The offset page asked for (default 1); one outside 1..1,000,000 is added to <paramref name="errors"/>.</summary>
    public static int Page(int? requested, FieldErrors errors)
    {
        var page = requested ?? 1;
        if (page is >= 1 and <= MaxPage) return page;
        errors.Add("page", $"page must be between 1 and {MaxPage}.");
        return 1;
    }

    /// <summary>Builds a page from rows fetched with LIMIT limit + 1: the extra row only says there is more.</summary>
    public static CursorPage<T> ToCursorPage<TRow, T>(List<TRow> rows, int limit, Func<TRow, T> map, Func<TRow, Keyset> key,
        CursorCodec codec, string scope)
    {
        var hasMore = rows.Count > limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var next = hasMore ? codec.Encode(key(rows[^1]), scope) : null;
        return new CursorPage<T>(rows.ConvertAll(r => map(r)), new CursorPagination(limit, hasMore, next));
    }
}

/// <summary>A page size parameter: judged by <see cref="Paging.Limit"/>, also when another value failed to bind.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PageLimitAttribute : Attribute, IQueryRule
{
    public void Check(string name, string[] values, FieldErrors errors)
    {
        if (values is [var value] && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit))
            Paging.Limit(limit, errors);
    }
}

/// <summary>An offset page number parameter: judged by <see cref="Paging.Page"/>, also when another value failed to bind.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PageNumberAttribute : Attribute, IQueryRule
{
    public void Check(string name, string[] values, FieldErrors errors)
    {
        if (values is [var value] && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var page))
            Paging.Page(page, errors);
    }
}

/// <summary>
/// Opaque keyset cursors: base64url of (version, created_at in µs, id, hash of the filters) plus an HMAC.
/// A cursor that was edited, truncated, or is replayed with other filters fails to decode: the caller
/// answers 400 instead of silently paging the wrong set.
/// </summary>
public sealed class CursorCodec
{
    private const byte Version = 1;
    private const int PayloadLength = 1 + 8 + 16 + 8;
    private const int MacLength = 12;

    private readonly byte[] _key;

    public CursorCodec(IOptions<ApiSettings> settings)
    {
        // The key only has to be stable across replicas and restarts; cursors carry no secrets.
        var configured = settings.Value.CursorKey;
        _key = SHA256.HashData(Encoding.UTF8.GetBytes(string.IsNullOrEmpty(configured) ? "assetforge-cursor-v1" : configured));
    }

    public string Encode(Keyset position, string scope)
    {
        Span<byte> buffer = stackalloc byte[PayloadLength + MacLength];
        buffer[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], ToMicroseconds(position.CreatedAt));
        position.Id.TryWriteBytes(buffer[9..25], bigEndian: true, out _);
        ScopeHash(scope).CopyTo(buffer[25..33]);
        HMACSHA256.HashData(_key, buffer[..PayloadLength])[..MacLength].CopyTo(buffer[PayloadLength..]);
        return WebEncoders.Base64UrlEncode(buffer.ToArray());
    }

    /// <summary>
    /// Where a list's ?cursor= continues: null for the first page, which an absent and an empty cursor both mean on
    /// every list; a cursor that does not decode for this scope is added to <paramref name="errors"/>.
    /// </summary>
    public Keyset? Read(string? cursor, string scope, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        if (TryDecode(cursor, scope, out var position)) return position;
        errors.Add("cursor", "The cursor is malformed, or was issued for a list with other filters.");
        return null;
    }

    /// <summary>
    /// The text a cursor is bound to: the list's name and each filter as asked (null for absent), length-prefixed so
    /// no two filter sets give the same text.
    /// </summary>
    public static string Scope(string list, params ReadOnlySpan<string?> filters)
    {
        var text = new StringBuilder(list);
        foreach (var filter in filters)
            text.Append('|').Append(filter is null ? "*" : $"{filter.Length}:{filter}");
        return text.ToString();
    }

    public bool TryDecode(string? cursor, string scope, out Keyset position)
    {
        position = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 128) return false;
        byte[] bytes;
        try { bytes = WebEncoders.Base64UrlDecode(cursor); }
        catch (FormatException) { return false; }
        if (bytes.Length != PayloadLength + MacLength || bytes[0] != Version) return false;

        var expectedMac = HMACSHA256.HashData(_key, bytes.AsSpan(0, PayloadLength))[..MacLength];
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, bytes.AsSpan(PayloadLength))) return false;
        if (!bytes.AsSpan(25, 8).SequenceEqual(ScopeHash(scope))) return false;

        var micros = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        position = new Keyset(FromMicroseconds(micros), new Guid(bytes.AsSpan(9, 16), bigEndian: true));
        return true;
    }

    private static byte[] ScopeHash(string scope) => SHA256.HashData(Encoding.UTF8.GetBytes(scope))[..8];

    private static long ToMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicroseconds(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
