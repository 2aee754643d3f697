// [Execute]: one statement, no result (Task) or the rows affected (Task<int>). DateTimeOffset parameters are sent
// as UTC, which Npgsql requires for timestamptz.
using System;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

public static partial class Cleanup
{
    [Execute("DELETE FROM events WHERE created_at < @before AND (kind = @kind OR @kind IS NULL)")]
    public static partial Task<int> DeleteAsync(NpgsqlConnection connection, DateTimeOffset before, string? kind, CancellationToken ct);

    [Execute("UPDATE events SET seen_at = @seenAt WHERE id = @id")]
    public static partial Task MarkAsync(NpgsqlDataSource db, Guid id, DateTimeOffset? seenAt, CancellationToken ct);
}
