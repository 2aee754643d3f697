namespace AssetForge.Tests.Support;

/// <summary>Files of the checkout the tests read or regenerate (rollback scripts, docs, generated lists).</summary>
public static class Repository
{
    /// <summary>A path below the repository root: the first directory above the test binaries holding AssetForge.csproj.</summary>
    public static string File(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "AssetForge.csproj"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"No AssetForge.csproj above {AppContext.BaseDirectory}", relative);
    }
}
