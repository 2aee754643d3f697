// [DbOutcome]: a write answers what it did as a text label, read into the enum as a scalar or a row member.
using System;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

[DbOutcome]
public enum Claim { Claimed, Taken, NotFound }

[DbRow]
public sealed partial record Claimed(Claim Outcome, long? Version);

public static partial class Tickets
{
    [Query("""
        WITH target AS (SELECT id, owner FROM tickets WHERE id = @id FOR UPDATE),
             claimed AS (UPDATE tickets t SET owner = @owner FROM target WHERE t.id = target.id AND target.owner IS NULL RETURNING t.id)
        SELECT CASE WHEN EXISTS (SELECT FROM claimed) THEN 'claimed' WHEN EXISTS (SELECT FROM target) THEN 'taken' ELSE 'not_found' END
        """)]
    public static partial Task<Claim> ClaimAsync(NpgsqlDataSource db, Guid id, Guid owner, CancellationToken ct);

    [Query("SELECT 'claimed' AS outcome, xmin::text::bigint AS version FROM tickets WHERE id = @id")]
    public static partial Task<Claimed?> ReadAsync(NpgsqlDataSource db, Guid id, CancellationToken ct);
}
