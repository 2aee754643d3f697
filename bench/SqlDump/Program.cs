using System.Text;
using System.Text.RegularExpressions;
using AssetForge.Infrastructure.Data;

// Usage: SqlDump <query name suffix> [--fresh N] [--fresh-array N:COUNT] [--null N]... | --list
//   Writes a pgbench script running the statements of the generated query whose name ends with the suffix
//   (e.g. "GetPipeline.FindAsync"). $n become :pN, to be given with pgbench -D pN=..., except:
//     --fresh N           $N is a new uuid in every transaction (the same one in every statement of it),
//     --fresh-array N:K   $N is an array of K new uuids,
//     --null N            $N is NULL (pgbench -D cannot express it).
//   Several statements run in one pgbench pipeline (\startpipeline … \endpipeline): one round trip, as the
//   API's NpgsqlBatch does.
if (args is ["--list"])
{
    foreach (var q in QueryCatalog.All()) Console.WriteLine(q.Name);
    return 0;
}
if (args.Length == 0 || args.Length % 2 == 0)
{
    Console.Error.WriteLine("usage: SqlDump <query name suffix> [--fresh N] [--fresh-array N:COUNT] [--null N]... | --list");
    return 2;
}

var matches = QueryCatalog.All().Where(q => q.Name.EndsWith(args[0], StringComparison.Ordinal)).ToList();
if (matches.Count != 1)
{
    Console.Error.WriteLine($"'{args[0]}' matches {matches.Count} queries: {string.Join(", ", matches.Select(m => m.Name))}");
    return 1;
}

// A uuid derived from one random number per transaction, so every statement of the batch sees the same one.
static string Fresh(string tag) => $"md5(:fresh::text || '-{tag}')::uuid";

var replacements = new Dictionary<int, string>();
foreach (var option in args.Skip(1).Chunk(2))
{
    switch (option[0])
    {
        case "--fresh":
            replacements[int.Parse(option[1])] = Fresh(option[1]);
            break;
        case "--fresh-array":
            var parts = option[1].Split(':');
            replacements[int.Parse(parts[0])] =
                "ARRAY[" + string.Join(", ", Enumerable.Range(1, int.Parse(parts[1])).Select(i => Fresh($"{parts[0]}-{i}"))) + "]";
            break;
        case "--null":
            replacements[int.Parse(option[1])] = "NULL";
            break;
        default:
            Console.Error.WriteLine($"unknown option {option[0]}");
            return 2;
    }
}

var script = new StringBuilder($"-- {matches[0].Name}\n");
if (replacements.Values.Any(r => r.Contains(":fresh"))) script.Append("\\set fresh random(1, 1000000000000000)\n");
var statements = matches[0].Statements;
if (statements.Length > 1) script.Append("\\startpipeline\n");
foreach (var sql in statements)
{
    var text = Regex.Replace(sql, @"\$(\d+)", m =>
        replacements.TryGetValue(int.Parse(m.Groups[1].Value), out var replacement) ? replacement : ":p" + m.Groups[1].Value);
    // pgbench reads one command per line: fold the statement onto one line.
    script.Append(Regex.Replace(text, @"\s+", " ").Trim()).Append(";\n");
}
if (statements.Length > 1) script.Append("\\endpipeline\n");
Console.Write(script);
return 0;
