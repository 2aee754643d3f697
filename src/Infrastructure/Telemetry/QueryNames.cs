using System.Collections.Frozen;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace AssetForge.Infrastructure.Telemetry;

/// <summary>
/// The generated query a command or batch runs ("Pipelines.GetPipeline.FindAsync"), found from its SQL: every generated
/// method passes the catalog's own constant strings, so candidates are looked up by the first statement and told apart
/// by the rest (shared statements, such as a pipeline's stages, end many batches). Names are span names and the
/// slow-query label; SQL that is not generated (migrations) keeps Npgsql's default name.
/// </summary>
public static class QueryNames
{
    private sealed record Candidate(string[] Statements, string Name);

    private static readonly Lazy<FrozenDictionary<string, Candidate[]>> ByFirstStatement = new(Build);

    public static string? Of(NpgsqlCommand command) =>
        Find(command.CommandText, 1, static (_, _) => true, command);

    public static string? Of(NpgsqlBatch batch) =>
        batch.BatchCommands.Count == 0 ? null
            : Find(batch.BatchCommands[0].CommandText, batch.BatchCommands.Count,
                static (b, c) => Matches(b, c.Statements), batch);

    private static string? Find<T>(string? first, int count, Func<T, Candidate, bool> rest, T state)
    {
        if (string.IsNullOrEmpty(first) || !ByFirstStatement.Value.TryGetValue(first, out var candidates)) return null;
        foreach (var candidate in candidates)
            if (candidate.Statements.Length == count && rest(state, candidate)) return candidate.Name;
        return null;
    }

    private static bool Matches(NpgsqlBatch batch, string[] statements)
    {
        for (var i = 1; i < statements.Length; i++)
        {
            var text = batch.BatchCommands[i].CommandText;
            if (!ReferenceEquals(text, statements[i]) && text != statements[i]) return false;
        }
        return true;
    }

    private static FrozenDictionary<string, Candidate[]> Build() =>
        QueryCatalog.All()
            .Select(q => new Candidate(q.Statements, WithoutPrefix(q.Name)))
            .GroupBy(c => c.Statements[0], StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>A generated query's full name without the assembly's namespace prefix.</summary>
    public static string WithoutPrefix(string name) =>
        name.StartsWith("AssetForge.Features.", StringComparison.Ordinal) ? name["AssetForge.Features.".Length..]
        : name.StartsWith("AssetForge.", StringComparison.Ordinal) ? name["AssetForge.".Length..]
        : name;
}
