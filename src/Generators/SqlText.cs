using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AssetForge.Generators;

/// <summary>A statement with its @name parameters turned into $1, $2, … .</summary>
/// <param name="Sql">The statement PostgreSQL receives.</param>
/// <param name="Names">The parameter behind each $n: Names[n - 1].</param>
/// <param name="Positional">Any $n the author wrote by hand (a diagnostic: parameters are named).</param>
internal sealed record NamedSql(string Sql, EquatableArray<string> Names, EquatableArray<string> Positional);

internal static class SqlText
{
    /// <summary>
    /// Rewrites <c>@name</c> to <c>$n</c>. String literals (also E'…' with backslash escapes), quoted identifiers,
    /// comments (nested /* */ too) and dollar-quoted bodies are copied untouched, and so are operators that contain
    /// '@' (<c>@&gt;</c>, <c>&lt;@</c>, <c>@@</c>, <c>@-@</c>): an '@' only starts a parameter when an identifier
    /// letter follows it and neither an identifier character nor an operator character precedes it. The numbers
    /// follow <paramref name="declared"/> (the method's parameter order), so the SQL sent reads like the signature;
    /// names not declared come last.
    /// </summary>
    public static NamedSql Rewrite(string sql, IReadOnlyList<string> declared)
    {
        var uses = new List<(int Start, int End, string Name)>();
        var positional = new List<string>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentifierChar(sql[i - 2]));
                i = SkipQuoted(sql, i, '\'', escapes);
            }
            else if (c == '"')
            {
                i = SkipQuoted(sql, i, '"', backslashEscapes: false);
            }
            else if (c == '-' && At(sql, i + 1, '-'))
            {
                while (i < sql.Length && sql[i] != '\n') i++;
            }
            else if (c == '/' && At(sql, i + 1, '*'))
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '$')
            {
                var j = i + 1;
                while (j < sql.Length && char.IsDigit(sql[j])) j++;
                if (j > i + 1 && (i == 0 || !IsIdentifierChar(sql[i - 1])))
                {
                    positional.Add(sql.Substring(i, j - i));
                    i = j;
                }
                else
                {
                    i = SkipDollarQuoted(sql, i);
                }
            }
            else if (c == '@' && i + 1 < sql.Length && IsIdentifierStart(sql[i + 1])
                     && (i == 0 || !(IsIdentifierChar(sql[i - 1]) || IsOperatorChar(sql[i - 1]))))
            {
                var j = i + 1;
                while (j < sql.Length && IsIdentifierChar(sql[j])) j++;
                uses.Add((i, j, sql.Substring(i + 1, j - i - 1)));
                i = j;
            }
            else
            {
                i++;
            }
        }

        var names = uses.Select(u => u.Name).Distinct()
            .OrderBy(n => IndexOf(declared, n) is var k and >= 0 ? k : int.MaxValue)
            .ToList(); // OrderBy is stable: undeclared names keep their order of first use
        var sb = new StringBuilder(sql.Length);
        var at = 0;
        foreach (var (start, end, name) in uses)
        {
            sb.Append(sql, at, start - at).Append('$').Append(names.IndexOf(name) + 1);
            at = end;
        }
        sb.Append(sql, at, sql.Length - at);
        return new NamedSql(sb.ToString(), names.ToEquatableArray(), positional.ToEquatableArray());
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }

    private static bool At(string sql, int i, char c) => i < sql.Length && sql[i] == c;

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';

    // Characters PostgreSQL operators are made of (but for '=' and '>', which precede a parameter in "x=@y" or
    // "x>@y" and end no '@' operator): after one of these, '@' belongs to the operator.
    private static bool IsOperatorChar(char c) => c is '@' or '<' or '&' or '|' or '#' or '~' or '!' or '?' or '^' or '-' or '+' or '*' or '/' or '%' or '`';

    private static int SkipQuoted(string sql, int start, char quote, bool backslashEscapes)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return sql.Length;
    }

    private static int SkipBlockComment(string sql, int start)
    {
        var depth = 0;
        var i = start;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && At(sql, i + 1, '*')) { depth++; i += 2; }
            else if (sql[i] == '*' && At(sql, i + 1, '/')) { depth--; i += 2; if (depth == 0) return i; }
            else i++;
        }
        return sql.Length;
    }

    private static int SkipDollarQuoted(string sql, int start)
    {
        // $tag$ ... $tag$ (tag may be empty); anything else is a lone '$'.
        var j = start + 1;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        if (j >= sql.Length || sql[j] != '$') return start + 1;
        var tag = sql.Substring(start, j - start + 1);
        var end = sql.IndexOf(tag, j + 1, System.StringComparison.Ordinal);
        return end < 0 ? sql.Length : end + tag.Length;
    }
}
