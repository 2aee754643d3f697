using Npgsql;

namespace AssetForge.Tests.Support;

/// <summary>Ad-hoc SQL for arranging and asserting rows in tests (production SQL goes through the generator).</summary>
public static class Sql
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource db, string sql, params object?[] args)
    {
        await using var command = Command(db, sql, args);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlDataSource db, string sql, params object?[] args)
    {
        await using var command = Command(db, sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<T>> ColumnAsync<T>(this NpgsqlDataSource db, string sql, params object?[] args)
    {
        await using var command = Command(db, sql, args);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync()) list.Add(reader.IsDBNull(0) ? default! : reader.GetFieldValue<T>(0));
        return list;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource db, string sql, object?[] args)
    {
        var command = db.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return command;
    }
}
