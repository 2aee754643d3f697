namespace AssetForge.Infrastructure.Data;

// These attributes drive src/Generators at compile time; nothing reads them at run time.

/// <summary>A record or class whose instances are read from query results by a generated reader.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DbRowAttribute : Attribute;

/// <summary>The result column a member maps to, when it is not the member's snake_case name.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ColumnAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>An enum stored as a PostgreSQL enum type whose labels are the members' snake_case names.</summary>
[AttributeUsage(AttributeTargets.Enum)]
public sealed class PgEnumAttribute(string typeName) : Attribute
{
    public string TypeName { get; } = typeName;
}

/// <summary>
/// An enum a statement answers with, as a text column holding one member's snake_case name (e.g.
/// <c>CASE … THEN 'not_found' … END</c>): a write says what happened in words its handler switches on, not in
/// HTTP numbers or bools. Read only; the generator maps the labels, and a label the enum lacks throws.
/// </summary>
[AttributeUsage(AttributeTargets.Enum)]
public sealed class DbOutcomeAttribute : Attribute;

/// <summary>
/// A static partial method whose body is generated. Its SQL names its parameters <c>@name</c> after the method's
/// parameters (those after the NpgsqlDataSource or NpgsqlConnection, other than a CancellationToken); the generator
/// sends them as $1, $2, … and binds each by name, so every @name must be a parameter and every parameter used
/// (docs/generator.md). Several statements run as one NpgsqlBatch (one round trip, one implicit transaction) and
/// return a tuple, one element each.
/// Result shapes: a [DbRow] type (T? = first row or null, T = exactly one), List/IReadOnlyList of one,
/// a column type (first column of the first row), or <see cref="RowsAffected"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QueryAttribute(params string[] statements) : Attribute
{
    public string[] Statements { get; } = statements;
}

/// <summary>A static partial method that runs one statement and returns Task (or Task&lt;int&gt; rows affected).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExecuteAttribute(string sql) : Attribute
{
    public string Sql { get; } = sql;
}

/// <summary>The row count PostgreSQL reported for a statement (for deletes, what was really deleted).</summary>
public readonly record struct RowsAffected(int Count);
