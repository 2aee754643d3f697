// Single-statement queries: a list, a read-only list, a scalar that must be there and one that may be NULL.
// @name parameters become $n in the method's order, whatever order the SQL names them in.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

[DbRow]
public sealed partial record Item(Guid Id, Guid OwnerId, string Title);

public static partial class Items
{
    [Query("SELECT id, owner_id, title FROM items WHERE (owner_id = @ownerId OR @isAdmin) AND created_at < @before ORDER BY id LIMIT @limit")]
    public static partial Task<List<Item>> PageAsync(NpgsqlDataSource db, Guid ownerId, bool isAdmin, DateTimeOffset before, int limit,
        CancellationToken ct);

    [Query("SELECT id, owner_id, title FROM items WHERE id = ANY (@ids)")]
    internal static partial Task<IReadOnlyList<Item>> ManyAsync(NpgsqlDataSource db, Guid[] ids, CancellationToken ct);

    [Query("SELECT count(*) FROM items WHERE owner_id = @ownerId")]
    public static partial Task<long> CountAsync(NpgsqlDataSource db, Guid ownerId, CancellationToken ct);

    [Query("SELECT max(title) FROM items WHERE owner_id = @ownerId")]
    public static partial Task<string?> LastTitleAsync(NpgsqlDataSource db, Guid ownerId);
}
