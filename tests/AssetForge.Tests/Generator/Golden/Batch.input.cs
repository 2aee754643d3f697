// Several statements, one NpgsqlBatch (one round trip): the result is a tuple with one element per statement,
// and each statement binds only the parameters it names.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

[DbRow]
public sealed partial record Order(Guid Id, string Status);

[DbRow]
public sealed partial record Line(Guid Id, int Quantity);

public static partial class Orders
{
    [Query(
        "UPDATE orders SET status = @status WHERE id = @id",
        "SELECT id, status FROM orders WHERE id = @id",
        "SELECT id, quantity FROM order_lines WHERE order_id = @id ORDER BY id")]
    public static partial Task<(RowsAffected Updated, Order? Order, List<Line> Lines)> SetStatusAsync(NpgsqlConnection connection,
        Guid id, string status, CancellationToken ct);
}
