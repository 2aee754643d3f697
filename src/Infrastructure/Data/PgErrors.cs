using Npgsql;

namespace AssetForge.Infrastructure.Data;

/// <summary>SQLSTATE checks for the constraint violations that handlers turn into 4xx answers.</summary>
public static class PgErrors
{
    public static bool IsUniqueViolation(this PostgresException e, string? constraint = null) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && (constraint is null || e.ConstraintName == constraint);

    public static bool IsForeignKeyViolation(this PostgresException e, string? constraint = null) =>
        e.SqlState == PostgresErrorCodes.ForeignKeyViolation && (constraint is null || e.ConstraintName == constraint);

    public static bool IsCheckViolation(this PostgresException e, string? constraint = null) =>
        e.SqlState == PostgresErrorCodes.CheckViolation && (constraint is null || e.ConstraintName == constraint);
}
