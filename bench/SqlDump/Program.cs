using System.Text;
using System.Text.RegularExpressions;
using AssetForge.Infrastructure.Data;

// Usage: SqlDump <query name suffix> [--fresh NAME] [--fresh-array NAME:COUNT] [--null NAME]... | --list
//   Writes a pgbench script running the statements of the generated query whose name ends with the suffix
//   (e.g. "GetPipeline.FindAsync"). Each parameter becomes the pgbench variable of its name (@userId in the
//   source is :userId here, given with pgbench -D userId=...), except:
//     --fresh NAME           a new uuid in every transaction (the same one in every statement of it),
//     --fresh-array NAME:K   an array of K new uuids,
//     --null NAME            NULL (pgbench -D cannot express it).
//   Several statements run in one pgbench pipeline (\startpipeline … \endpipeline): one round trip, as the
//   API's NpgsqlBatch does.
if (args is ["--list"])
{
    foreach (var q in QueryCatalog.All()) Console.WriteLine($"{q.Name}({string.Join(", ", q.ParameterNames.SelectMany(n => n).Distinct())})");
    return 0;
}
if (args.Length == 0 || args.Length % 2 == 0)
{
    Console.Error.WriteLine("usage: SqlDump <query name suffix> [--fresh NAME] [--fresh-array NAME:COUNT] [--null NAME]... | --list");
    return 2;
}

var matches = QueryCatalog.All().Where(q => q.Name.EndsWith(args[0], StringComparison.Ordinal)).ToList();
if (matches.Count != 1)
{
    Console.Error.WriteLine($"'{args[0]}' matches {matches.Count} queries: {string.Join(", ", matches.Select(m => m.Name))}");
    return 1;
}
var query = matches[0];
var known = query.ParameterNames.SelectMany(n => n).ToHashSet();

// A uuid derived from one random number per transaction, so every statement of the batch sees the same one.
static string Fresh(string tag) => $"md5(:fresh::text || '-{tag}')::uuid";

var replacements = new Dictionary<string, string>();
foreach (var option in args.Skip(1).Chunk(2))
{
    var name = option[1].Split(':')[0];
    if (!known.Contains(name))
    {
        Console.Error.WriteLine($"{query.Name} has no parameter '{name}'; it has {string.Join(", ", known)}");
        return 2;
    }
    switch (option[0])
    {
        case "--fresh":
            replacements[name] = Fresh(name);
            break;
        case "--fresh-array":
            var count = int.Parse(option[1].Split(':')[1]);
            replacements[name] = "ARRAY[" + string.Join(", ", Enumerable.Range(1, count).Select(i => Fresh($"{name}-{i}"))) + "]";
            break;
        case "--null":
            replacements[name] = "NULL";
            break;
        default:
            Console.Error.WriteLine($"unknown option {option[0]}");
            return 2;
    }
}

var script = new StringBuilder($"-- {query.Name}\n");
if (replacements.Values.Any(r => r.Contains(":fresh"))) script.Append("\\set fresh random(1, 1000000000000000)\n");
if (query.Statements.Length > 1) script.Append("\\startpipeline\n");
for (var s = 0; s < query.Statements.Length; s++)
{
    var names = query.ParameterNames[s];
    // The generator numbered the statement's parameters: $n is names[n - 1].
    var text = Regex.Replace(query.Statements[s], @"\$(\d+)", m =>
    {
        var name = names[int.Parse(m.Groups[1].Value) - 1];
        return replacements.TryGetValue(name, out var replacement) ? replacement : ":" + name;
    });
    // pgbench reads one command per line: fold the statement onto one line.
    script.Append(Regex.Replace(text, @"\s+", " ").Trim()).Append(";\n");
}
if (query.Statements.Length > 1) script.Append("\\endpipeline\n");
Console.Write(script);
return 0;
