using System.Reflection;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.CodeAnalysis;

namespace AssetForge.Tests.Generator;

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
            + "            statement1.Parameters.Add(new global::Npgsql.NpgsqlParameter<global::Sample.Mood[]> { TypedValue = moods });"));
        // Each query reports how long it ran, under its catalog name, whether it returned or threw.
        Assert.Contains(generated, g => g.Contains("finally\n        {\n            global::AssetForge.Infrastructure.Data.QueryTiming.Stop(\"Sample.Sql.Get\", __started);"));
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
    public void A_row_that_is_a_struct_is_AF003()
    {
        var (diagnostics, _) = Run("""
            [DbRow] public partial record struct Row(Guid Id);
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF003");
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
    public void An_unsupported_result_type_is_AF006()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql { [Query("SELECT 1")] public static partial Task<System.IO.Stream> Get(NpgsqlDataSource db); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF006" && d.GetMessage().Contains("Stream"));
    }

    [Fact]
    public void An_outcome_is_an_answer_never_a_parameter_AF005()
    {
        var (diagnostics, _) = Run("""
            [DbOutcome] public enum Done { Yes, No }
            public static partial class Sql { [Query("SELECT @d")] public static partial Task<Done> Echo(NpgsqlDataSource db, Done d); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF005");
    }

    [Fact]
    public void Stored_json_is_an_answer_never_a_parameter_AF005()
    {
        var (diagnostics, _) = Run("""
            public static partial class Sql { [Query("SELECT @j")] public static partial Task<StoredJson> Echo(NpgsqlDataSource db, StoredJson j); }
            """);
        Assert.Contains(diagnostics, d => d.Id == "AF005");
    }

    [Fact]
    public void A_label_the_outcome_enum_lacks_throws_instead_of_reading_as_a_default()
    {
        // The application's own generated parser: a typo in a CASE … THEN 'stael' must not turn into Done (0).
        Assert.Equal(WriteOutcome.NotFound, DbOutcomes.Parse("not_found", default(WriteOutcome)));
        var e = Assert.Throws<InvalidOperationException>(() => DbOutcomes.Parse("stael", default(WriteOutcome)));
        Assert.Contains("'stael'", e.Message);
    }

    /// <summary>Every descriptor the generator declares, found by reflection so a new one cannot be forgotten.</summary>
    public static TheoryData<string> DiagnosticIds() => new(typeof(AssetForge.Generators.QueryGenerator).Assembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
        .Distinct().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void Every_diagnostic_has_a_test_here_and_a_section_in_docs_generator_md(string id)
    {
        Assert.Contains(typeof(GeneratorTests).GetMethods(), m => m.Name.EndsWith("_" + id, StringComparison.Ordinal));
        Assert.Contains($"\n## {id}:", File.ReadAllText(Repository.File("docs/generator.md")).ReplaceLineEndings("\n"));
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
        var result = GeneratorHarness.Run(Usings + source);
        return (result.Diagnostics, result.Generated);
    }
}
