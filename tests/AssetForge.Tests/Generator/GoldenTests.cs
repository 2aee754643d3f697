using System.Runtime.CompilerServices;
using System.Text;

namespace AssetForge.Tests.Generator;

/// <summary>
/// What the generator emits for each shape, compared with a checked-in file (Dapper.AOT's way): Golden/NAME.input.cs
/// is compiled with the generators and everything they emit must equal Golden/NAME.generated.cs. After an intended
/// change, regenerate with <c>ASSETFORGE_REGENERATE_GOLDEN=1 scripts/test --filter FullyQualifiedName~GoldenTests</c>
/// and review the diff.
/// </summary>
public sealed class GoldenTests
{
    private static List<string> Names() => Directory.GetFiles(GoldenDirectory(), "*.input.cs")
        .Select(f => Path.GetFileName(f)[..^".input.cs".Length]).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Shapes() => new(Names());

    [Fact]
    public void Every_shape_has_a_golden_file() => Assert.Equal(["Batch", "Enum", "Execute", "Outcome", "Query", "Row"], Names());

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Emits_what_the_golden_file_holds(string shape)
    {
        var directory = GoldenDirectory();
        var result = GeneratorHarness.Run(File.ReadAllText(Path.Combine(directory, shape + ".input.cs")));
        Assert.Empty(result.Diagnostics);

        var actual = new StringBuilder();
        foreach (var (hint, text) in result.Sources)
            actual.Append("// ===== ").Append(hint).Append(" =====\n").Append(text.ReplaceLineEndings("\n")).Append('\n');

        var expectedPath = Path.Combine(directory, shape + ".generated.cs");
        if (Environment.GetEnvironmentVariable("ASSETFORGE_REGENERATE_GOLDEN") == "1")
            File.WriteAllText(expectedPath, actual.ToString());
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : "(missing)";
        Assert.Equal(expected, actual.ToString());
    }

    private static string GoldenDirectory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");
}
