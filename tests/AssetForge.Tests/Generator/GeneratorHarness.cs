using AssetForge.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Npgsql;

namespace AssetForge.Tests.Generator;

/// <summary>Runs the repository's generators over a source text, as the compiler does for the application.</summary>
internal static class GeneratorHarness
{
    public sealed record Result(List<Diagnostic> Diagnostics, List<(string HintName, string Text)> Sources)
    {
        public List<string> Generated => Sources.ConvertAll(s => s.Text);
    }

    /// <summary>Generator diagnostics, then compiler warnings and errors over the output (generated code must compile).</summary>
    public static Result Run(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: "Sample.cs");
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Append(typeof(NpgsqlDataSource).Assembly)
            .Append(typeof(AssetForge.Infrastructure.Data.DbRowAttribute).Assembly)
            .Distinct()
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("Sample", [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new RowGenerator().AsSourceGenerator(), new QueryGenerator().AsSourceGenerator(), new EnumGenerator().AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)tree.Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        var diagnostics = generatorDiagnostics
            .Concat(output.GetDiagnostics().Where(d => d.Id.StartsWith("CS")))
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        var sources = driver.GetRunResult().Results
            .SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToList();
        return new Result(diagnostics, sources);
    }
}
