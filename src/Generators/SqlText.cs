namespace AssetForge.Generators;

internal static class SqlText
{
    /// <summary>
    /// The highest positional parameter ($n) a statement uses, skipping string literals, quoted
    /// identifiers, comments and dollar-quoted bodies, so each batch statement binds exactly its own.
    /// </summary>
    public static int MaxParameter(string sql)
    {
        var max = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'' || c == '"')
            {
                i = SkipQuoted(sql, i, c);
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '$')
            {
                var j = i + 1;
                while (j < sql.Length && char.IsDigit(sql[j])) j++;
                if (j > i + 1 && (i == 0 || !IsIdentifierChar(sql[i - 1])))
                {
                    var n = int.Parse(sql.Substring(i + 1, j - i - 1), System.Globalization.CultureInfo.InvariantCulture);
                    if (n > max) max = n;
                    i = j;
                }
                else
                {
                    i = SkipDollarQuoted(sql, i);
                }
            }
            else
            {
                i++;
            }
        }
        return max;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static int SkipQuoted(string sql, int start, char quote)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static int SkipDollarQuoted(string sql, int start)
    {
        // $tag$ ... $tag$ (tag may be empty); anything else is a lone '$'.
        var j = start + 1;
        while (j < sql.Length && IsIdentifierChar(sql[j])) j++;
        if (j >= sql.Length || sql[j] != '$') return start + 1;
        var tag = sql.Substring(start, j - start + 1);
        var end = sql.IndexOf(tag, j + 1, System.StringComparison.Ordinal);
        return end < 0 ? sql.Length : end + tag.Length;
    }
}
