using Npgsql;

namespace AssetForge.Infrastructure.Data;

/// <summary>A result column a row type expects: its name, CLR type (without nullability) and whether it may be NULL.</summary>
public sealed record DbColumn(string Name, Type ClrType, bool Nullable);

/// <summary>Implemented by the generator for every [DbRow] type.</summary>
public interface IDbRow<TSelf> where TSelf : IDbRow<TSelf>
{
    static abstract IReadOnlyList<DbColumn> Columns { get; }

    /// <summary>Reads the current row; <paramref name="ordinals"/> come from <see cref="DbRows.ResolveOrdinals{T}"/>.</summary>
    static abstract TSelf Read(NpgsqlDataReader reader, int[] ordinals);
}

/// <summary>Result readers used by generated query methods: ordinals are resolved once per result set.</summary>
public static class DbRows
{
    public static int[] ResolveOrdinals<T>(NpgsqlDataReader reader) where T : IDbRow<T>
    {
        var columns = T.Columns;
        var ordinals = new int[columns.Count];
        for (var i = 0; i < ordinals.Length; i++)
        {
            try
            {
                ordinals[i] = reader.GetOrdinal(columns[i].Name);
            }
            catch (IndexOutOfRangeException)
            {
                throw new InvalidOperationException(
                    $"{typeof(T).Name} expects a column '{columns[i].Name}' that the query does not return.");
            }
        }
        return ordinals;
    }

    public static async Task<T?> FirstOrDefaultAsync<T>(NpgsqlDataReader reader, CancellationToken ct) where T : class, IDbRow<T>
    {
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return T.Read(reader, ResolveOrdinals<T>(reader));
    }

    public static async Task<T> SingleAsync<T>(NpgsqlDataReader reader, CancellationToken ct) where T : class, IDbRow<T>
        => await FirstOrDefaultAsync<T>(reader, ct).ConfigureAwait(false)
           ?? throw new InvalidOperationException($"The query returned no {typeof(T).Name} row.");

    public static async Task<List<T>> ToListAsync<T>(NpgsqlDataReader reader, CancellationToken ct) where T : class, IDbRow<T>
    {
        var list = new List<T>();
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return list;
        var ordinals = ResolveOrdinals<T>(reader);
        do list.Add(T.Read(reader, ordinals));
        while (await reader.ReadAsync(ct).ConfigureAwait(false));
        return list;
    }
}
