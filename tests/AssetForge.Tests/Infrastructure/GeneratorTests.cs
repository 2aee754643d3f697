using System.Reflection;
using AssetForge.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The row and query generator turns mistakes into compile-time errors.</summary>
public sealed class GeneratorTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using AssetForge.Infrastructure.Data;
        using Npgsql;
        namespace Sample;
        """;

    [Fact]
    public void A_valid_row_and_query_compile_without_diagnostics()
    {
        var (diagnostics, generated) = Run("""
            [PgEnum("mood")] public enum Mood { Happy, VeryHappy }
            [DbRow] public sealed partial record Row(Guid Id, string? Name, int[] Scores, JsonElement Data, Mood Mood,
                DateTimeOffset CreatedAt, [property: Column("duration")] int? DurationMs, uint Xmin);
            public static partial class Sql
            {
                [Query("SELECT * FROM t WHERE id = @id", "SELECT * FROM t WHERE mood = ANY(@moods) AND id <> @id")]
                public static partial Task<(Row?, List<Row>)> Get(NpgsqlConnection c, Guid id, Mood[] moods, CancellationToken ct);
                [Execute("DELETE FROM t WHERE id = @id")]
                public static partial Task<int> Delete(NpgsqlDataSource db, Guid id, CancellationToken ct);
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains(generated, g => g.Contains("reader.GetFieldValue<global::System.Guid>(ordinals[0])"));
        Assert.Contains(generated, g => g.Contains("new(@\"duration\", typeof(int), true)"));
        Assert.Contains(generated, g => g.Contains("mapper.MapEnum<global::Sample.Mood>(@\"mood\")"));
        // Each statement binds what it names, numbered in the method's order: the second sends @id as $1, @moods as $2.
        Assert.Contains(generated, g => g.Contains("mood = ANY($2) AND id <> $1"));
        Assert.Contains(generated, g => g.Contains("statement1.Parameters.Add(new global::Npgsql.NpgsqlParameter<global::System.Guid> { TypedValue = id });\n"
            + "        statement1.Parameters.Add(new global::Npgsql.NpgsqlParameter<global::Sample.Mood[]> { TypedValue = moods });"));
    }

    [Fact]
    public void An_unsupported_member_type_is_AF001()
    {
        var (diagnostics, _) = Run("""
            [DbRow] public sealed partial record Row(Guid Id, System.IO.Stream Body);
            public static partial class Sql { [Query("SELECT 1")] public static partial Task<Row?> Get(NpgsqlDataSource db); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF001" && d.GetMessage().Contains("Body"));
    }

    [Fact]
    public void An_enum_without_PgEnum_is_AF001()
    {
        var (diagnostics, _) = Run("""
            public enum Color { Red }
            [DbRow] public sealed partial record Row(Guid Id, Color Color);
            public static partial class Sql { [Query("SELECT 1")] public static partial Task<Row?> Get(NpgsqlDataSource db); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF001");
    }

    [Fact]
    public void A_row_that_is_not_partial_is_AF002()
    {
        var (diagnostics, _) = Run("""
            [DbRow] public sealed record Row(Guid Id);
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF002");
    }

    [Fact]
    public void A_statement_count_that_does_not_match_the_tuple_is_AF004()
    {
        var (diagnostics, _) = Run("""
            [DbRow] public sealed partial record Row(Guid Id);
            public static partial class Sql
            {
                [Query("SELECT 1", "SELECT 2")] public static partial Task<Row?> Get(NpgsqlDataSource db);
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF004");
    }

    [Fact]
    public void SQL_naming_a_parameter_the_method_lacks_is_AF008()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql { [Execute("DELETE FROM t WHERE a = @a AND b = @B")] public static partial Task Delete(NpgsqlDataSource db, int a, int b); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF008" && d.GetMessage().Contains("@B") && d.GetMessage().Contains("did you mean @b?"));
    }

    [Fact]
    public void A_parameter_the_SQL_never_uses_is_AF009()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql
            {
                [Execute("DELETE FROM t WHERE a = @a")] public static partial Task Delete(NpgsqlDataSource db, int a, int b, CancellationToken ct);
            }
            """);
        var unused = Assert.Single(diagnostics, d => d.Id.StartsWith("AF"));
        Assert.Equal("AF009", unused.Id);
        Assert.Contains("'b'", unused.GetMessage()); // neither the data source nor the token is a SQL parameter
    }

    [Fact]
    public void A_positional_parameter_is_AF010()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql { [Execute("DELETE FROM t WHERE a = $1")] public static partial Task Delete(NpgsqlDataSource db, int a); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF010" && d.GetMessage().Contains("$1"));
    }

    [Fact]
    public void Swapped_arguments_of_one_type_bind_to_the_parameter_the_SQL_names()
    {
        // The SQL names user_id first and id second: binding follows the names, not the order of either.
        var (diagnostics, generated) = Run("""
            public static partial class Sql
            {
                [Execute("DELETE FROM t WHERE user_id = @userId AND id = @id")]
                public static partial Task Delete(NpgsqlDataSource db, Guid id, Guid userId);
            }
            """);
        Assert.Empty(diagnostics);
        var body = Assert.Single(generated, g => g.Contains("partial class Sql"));
        Assert.Contains("WHERE user_id = $2 AND id = $1", body);
        Assert.True(body.IndexOf("TypedValue = id }", StringComparison.Ordinal) < body.IndexOf("TypedValue = userId }", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unsupported_parameter_type_is_AF005()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql { [Execute("DELETE FROM t WHERE a = @a")] public static partial Task Delete(NpgsqlDataSource db, object a); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF005");
    }

    [Fact]
    public void A_row_no_query_returns_is_warned_AF007()
    {
        var (diagnostics, _) = Run("""
            [DbRow] public sealed partial record Orphan(Guid Id);
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF007");
    }

    [Fact]
    public void A_subclass_with_queries_of_its_own_compiles_beside_its_base_class_queries()
    {
        var (diagnostics, _) = Run("""
            public partial class BaseJob
            {
                [Execute("SELECT 1")] private static partial Task Ping(NpgsqlDataSource db);
            }
            public sealed partial class ExpireJob : BaseJob
            {
                [Execute("DELETE FROM t")] private static partial Task<int> Expire(NpgsqlDataSource db);
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void At_signs_inside_literals_comments_operators_and_dollar_quotes_are_not_parameters()
    {
        var (diagnostics, generated) = Run("""
            public static partial class Sql
            {
                [Execute("SELECT '@x $3', E'\\' @y', $$ @z $4 $$, $f$ @w $f$, \"@v\" -- @u $6\n /* @t /* @s */ $7 */ FROM t"
                    + " WHERE tags @> @a AND @a <@ tags AND doc @@ q AND @@ q AND '{}'::text[] = tags AND b=@b")]
                public static partial Task Run(NpgsqlDataSource db, int[] a, int b);
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains(generated, g => g.Contains("""
            SELECT '@x $3', E'\' @y', $$ @z $4 $$, $f$ @w $f$, ""@v"" -- @u $6
             /* @t /* @s */ $7 */ FROM t WHERE tags @> $1 AND $1 <@ tags AND doc @@ q AND @@ q AND '{}'::text[] = tags AND b=$2
            """));
    }

    private static (List<Diagnostic> Diagnostics, List<string> Generated) Run(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Preview));
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Append(typeof(NpgsqlDataSource).Assembly)
            .Append(typeof(AssetForge.Infrastructure.Data.DbRowAttribute).Assembly)
            .Distinct()
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("Sample", [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var driver = CSharpGeneratorDriver.Create(
            [new RowGenerator().AsSourceGenerator(), new QueryGenerator().AsSourceGenerator(), new EnumGenerator().AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)tree.Options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        var diagnostics = generatorDiagnostics
            .Concat(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id.StartsWith("CS")))
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        var generated = output.SyntaxTrees.Skip(1).Select(t => t.ToString()).ToList();
        return (diagnostics, generated);
    }
}
