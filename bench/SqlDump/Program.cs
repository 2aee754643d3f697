using System.Text;
using System.Text.RegularExpressions;
using AssetForge.Infrastructure.Data;

// Usage: SqlDump <query name suffix> [--fresh N]...
//   Writes a pgbench script running the statements of the generated query whose name ends with the suffix
//   (e.g. "GetPipeline.FindAsync"): $n become :pN (give values with pgbench -D pN=...), --fresh N replaces
//   $N with gen_random_uuid() so every transaction inserts a new row. Several statements run in one pgbench
//   pipeline (\startpipeline … \endpipeline): one round trip, as the API's NpgsqlBatch does.
//   SqlDump --list prints every query name.
if (args is ["--list"])
{
    foreach (var q in QueryCatalog.All()) Console.WriteLine(q.Name);
    return 0;
}
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: SqlDump <query name suffix> [--fresh N]... | --list");
    return 2;
}

var matches = QueryCatalog.All().Where(q => q.Name.EndsWith(args[0], StringComparison.Ordinal)).ToList();
if (matches.Count != 1)
{
    Console.Error.WriteLine($"'{args[0]}' matches {matches.Count} queries: {string.Join(", ", matches.Select(m => m.Name))}");
    return 1;
}
var fresh = args.Skip(1).Chunk(2).Where(p => p[0] == "--fresh").Select(p => int.Parse(p[1])).ToHashSet();

var script = new StringBuilder($"-- {matches[0].Name}\n");
var statements = matches[0].Statements;
if (statements.Length > 1) script.Append("\\startpipeline\n");
foreach (var sql in statements)
{
    var text = Regex.Replace(sql, @"\$(\d+)", m =>
        fresh.Contains(int.Parse(m.Groups[1].Value)) ? "gen_random_uuid()" : ":p" + m.Groups[1].Value);
    // pgbench reads one command per line unless it is continued; fold the statement onto one line.
    script.Append(Regex.Replace(text, @"\s+", " ").Trim()).Append(";\n");
}
if (statements.Length > 1) script.Append("\\endpipeline\n");
Console.Write(script);
return 0;
