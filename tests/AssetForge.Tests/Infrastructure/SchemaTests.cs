using System.Data;
using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Npgsql;
using Npgsql.Schema;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// Every generated query is described by PostgreSQL against the migrated schema (parse + describe, nothing
/// executed), and every [DbRow] it returns is checked column by column: a renamed column, a changed type or a
/// nullable column read into a non-nullable member fails here, not in front of a user.
/// </summary>
public sealed class SchemaTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private PostgresServer _server = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateMigratedDatabaseAsync();
        var builder = new NpgsqlSlimDataSourceBuilder(_database);
        Database.Configure(builder); // the application's own type opt-ins and enum mappings
        _db = builder.Build();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _server.DropDatabaseAsync(_database);
    }

    public static TheoryData<string> Queries() => new(QueryCatalog.All().Select(q => q.Name));

    [Fact]
    public void The_catalog_lists_the_generated_queries() => Assert.NotEmpty(QueryCatalog.All());

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Query_matches_the_schema(string name)
    {
        var query = QueryCatalog.All().Single(q => q.Name == name);
        await using var connection = await _db.OpenConnectionAsync();
        for (var s = 0; s < query.Statements.Length; s++)
        {
            await using var command = new NpgsqlCommand(query.Statements[s], connection);
            command.Parameters.AddRange(query.Parameters(s));
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly | CommandBehavior.KeyInfo);
            var result = query.Results[s];
            if (result.Columns is { } expected)
            {
                var schema = reader.GetColumnSchema();
                foreach (var column in expected)
                {
                    var actual = schema.FirstOrDefault(c => c.ColumnName == column.Name);
                    Assert.True(actual is not null, $"{name}: {result.RowType?.Name} expects column '{column.Name}', the SQL returns [{string.Join(", ", schema.Select(c => c.ColumnName))}]");
                    AssertCompatible(name, column.Name, column.ClrType, actual);
                    Assert.False(!column.Nullable && actual.AllowDBNull == true,
                        $"{name}: column '{column.Name}' may be NULL but {result.RowType?.Name} reads it as non-nullable {column.ClrType.Name}");
                }
            }
            else if (result.ScalarType is { } scalar)
            {
                var schema = reader.GetColumnSchema();
                Assert.NotEmpty(schema);
                AssertCompatible(name, schema[0].ColumnName, scalar, schema[0]);
            }
        }
    }

    [Fact]
    public async Task Every_PgEnum_matches_its_type_and_round_trips_through_Npgsql()
    {
        Assert.NotEmpty(PgEnums.All);
        foreach (var e in PgEnums.All)
        {
            var labels = await ColumnAsync<string>($"SELECT enumlabel::text FROM pg_enum WHERE enumtypid = '{e.PgName}'::regtype ORDER BY enumsortorder");
            Assert.Equal(labels, e.Labels);
            foreach (var label in labels)
            {
                await using var command = _db.CreateCommand($"SELECT '{label}'::{e.PgName}");
                var value = await command.ExecuteScalarAsync();
                Assert.IsType(e.ClrType, value);
                Assert.Equal(label, JsonNamingPolicy.SnakeCaseLower.ConvertName(value!.ToString()!));
            }
        }
    }

    private async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync()) list.Add(reader.GetFieldValue<T>(0));
        return list;
    }

    private static void AssertCompatible(string query, string column, Type clr, NpgsqlDbColumn actual)
    {
        var pgType = actual.DataTypeName;
        Assert.True(Compatible(clr, pgType), $"{query}: column '{column}' is {pgType} in PostgreSQL but {clr.Name} in C#");
    }

    private static bool Compatible(Type clr, string pgType)
    {
        pgType = System.Text.RegularExpressions.Regex.Replace(pgType, @"\(\d+(,\d+)?\)", "");
        if (clr.IsArray && clr != typeof(byte[]))
            return pgType.EndsWith("[]") && Compatible(clr.GetElementType()!, pgType[..^2]);
        if (clr.IsEnum && clr.IsDefined(typeof(DbOutcomeAttribute), false))
            return pgType == "text"; // an outcome is a label the SQL spells out
        if (clr.IsEnum)
        {
            var info = PgEnums.All.SingleOrDefault(e => e.ClrType == clr);
            return info is not null && (pgType == info.PgName || pgType == "public." + info.PgName);
        }
        string[] accepted = Type.GetTypeCode(clr) switch
        {
            TypeCode.String => ["text", "character varying", "character", "name"],
            TypeCode.Int16 => ["smallint"],
            TypeCode.Int32 => ["integer"],
            TypeCode.Int64 => ["bigint"],
            TypeCode.UInt32 => ["xid", "oid"],
            TypeCode.Boolean => ["boolean"],
            TypeCode.Double => ["double precision"],
            TypeCode.Single => ["real"],
            TypeCode.Decimal => ["numeric"],
            TypeCode.DateTime => ["timestamp with time zone", "timestamp without time zone"],
            _ when clr == typeof(Guid) => ["uuid"],
            _ when clr == typeof(DateTimeOffset) => ["timestamp with time zone"],
            _ when clr == typeof(JsonElement) || clr == typeof(JsonDocument) => ["jsonb", "json"],
            // Read as jsonb's UTF-8 text; Npgsql strips jsonb's version byte, and json has none to strip.
            _ when clr == typeof(AssetForge.Infrastructure.Data.StoredJson) => ["jsonb"],
            _ when clr == typeof(byte[]) => ["bytea"],
            _ when clr == typeof(TimeSpan) => ["interval"],
            _ => [],
        };
        return accepted.Contains(pgType);
    }
}
