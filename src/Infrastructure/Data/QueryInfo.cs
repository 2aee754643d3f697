using Npgsql;

namespace AssetForge.Infrastructure.Data;

/// <summary>
/// What the schema test needs to describe one generated query: its SQL (as sent, with $n), the method parameter each
/// $n binds (ParameterNames[statement][n - 1]), typed parameters and result shapes.
/// </summary>
public sealed record QueryInfo(
    string Name,
    string[] Statements,
    string[][] ParameterNames,
    Func<int, NpgsqlParameter[]> Parameters,
    QueryResult[] Results);

public sealed record QueryResult(string Kind, IReadOnlyList<DbColumn>? Columns, Type? RowType, Type? ScalarType, bool ScalarNullable)
{
    public static QueryResult Affected { get; } = new("affected", null, null, null, false);

    public static QueryResult ForRow<T>() where T : IDbRow<T> => new("row", T.Columns, typeof(T), null, false);

    public static QueryResult ForScalar(Type type, bool nullable) => new("scalar", null, null, type, nullable);
}

/// <summary>A [PgEnum] type as the generator saw it: the PostgreSQL type and the labels the CLR members map to.</summary>
public sealed record PgEnumInfo(string PgName, Type ClrType, string[] Labels);
