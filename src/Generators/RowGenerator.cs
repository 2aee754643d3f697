using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AssetForge.Generators;

internal sealed record ColumnModel(string Member, string Column, ClrType Type);

internal sealed record RowModel(
    TargetInfo Target,
    string TypeName,
    bool UseConstructor,
    EquatableArray<ColumnModel> Columns,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// [DbRow] records and classes get an IDbRow&lt;T&gt; implementation: their column list (for ordinal
/// resolution once per reader and for the schema test) and a reader that calls GetFieldValue&lt;T&gt; by ordinal.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RowGenerator : IIncrementalGenerator
{
    internal const string DbRowAttribute = "AssetForge.Infrastructure.Data.DbRowAttribute";
    internal const string ColumnAttribute = "AssetForge.Infrastructure.Data.ColumnAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rows = context.SyntaxProvider.ForAttributeWithMetadataName(
            DbRowAttribute,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Build((INamedTypeSymbol)ctx.TargetSymbol, ct));

        context.RegisterSourceOutput(rows, static (spc, row) =>
        {
            foreach (var d in row.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            if (row.Diagnostics.Length == 0) spc.AddSource(row.Target.HintName, Emit(row));
        });
    }

    private static RowModel Build(INamedTypeSymbol type, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = type.Locations.FirstOrDefault();
        var target = TargetInfo.For(type, ".DbRow");
        var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        if (!Partial.IsPartialChain(type))
            diagnostics.Add(DiagnosticInfo.Create(Generators.Diagnostics.MustBePartial, location, type.Name));
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic)
            diagnostics.Add(DiagnosticInfo.Create(Generators.Diagnostics.RowMustBeClass, location, type.Name));

        var (useConstructor, members) = FindMembers(type);
        if (members.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(Generators.Diagnostics.RowMustBeClass, location, type.Name));

        var columns = new List<ColumnModel>();
        foreach (var (name, memberType, attributes, memberLocation) in members)
        {
            ct.ThrowIfCancellationRequested();
            var clr = ColumnTypes.ClassifyColumn(memberType);
            if (clr is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Generators.Diagnostics.UnsupportedColumnType, memberLocation ?? location,
                    name, type.Name, memberType.ToDisplayString()));
                continue;
            }
            var column = attributes
                .Where(a => a.AttributeClass?.ToDisplayString() == ColumnAttribute)
                .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string)
                .FirstOrDefault(n => !string.IsNullOrEmpty(n)) ?? Naming.ToSnakeCase(name);
            columns.Add(new ColumnModel(name, column, clr));
        }

        return new RowModel(target, typeName, useConstructor, columns.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static (bool UseConstructor, List<(string Name, ITypeSymbol Type, IEnumerable<AttributeData> Attributes, Location? Location)> Members)
        FindMembers(INamedTypeSymbol type)
    {
        var properties = type.GetMembers().OfType<IPropertySymbol>()
            .Where(p => !p.IsStatic && !p.IsIndexer && p.Name != "EqualityContract")
            .ToDictionary(p => p.Name);

        // A positional record: its primary constructor's parameters are its columns, in order.
        var primary = type.InstanceConstructors
            .Where(c => c.Parameters.Length > 0 && c.Parameters.All(p => properties.ContainsKey(p.Name)))
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        if (primary is not null)
        {
            return (true, primary.Parameters
                .Select(p => (p.Name, p.Type,
                    p.GetAttributes().Concat(properties[p.Name].GetAttributes()),
                    p.Locations.FirstOrDefault()))
                .ToList());
        }

        return (false, properties.Values
            .Where(p => p.SetMethod is { DeclaredAccessibility: Accessibility.Public or Accessibility.Internal })
            .Select(p => (p.Name, p.Type, (IEnumerable<AttributeData>)p.GetAttributes(), p.Locations.FirstOrDefault()))
            .ToList());
    }

    private static string Emit(RowModel row)
    {
        var sb = new StringBuilder();
        var close = Partial.Open(sb, row.Target, $" : global::AssetForge.Infrastructure.Data.IDbRow<{row.TypeName}>");
        var indent = new string(' ', 4 * row.Target.Containers.Length);

        sb.AppendLine($"{indent}private static readonly global::AssetForge.Infrastructure.Data.DbColumn[] __columns =");
        sb.AppendLine($"{indent}[");
        foreach (var c in row.Columns)
            sb.AppendLine($"{indent}    new({Naming.Literal(c.Column)}, typeof({c.Type.TypeName}), {(c.Type.Nullable ? "true" : "false")}),");
        sb.AppendLine($"{indent}];");
        sb.AppendLine();
        sb.AppendLine($"{indent}static global::System.Collections.Generic.IReadOnlyList<global::AssetForge.Infrastructure.Data.DbColumn> global::AssetForge.Infrastructure.Data.IDbRow<{row.TypeName}>.Columns => __columns;");
        sb.AppendLine();
        sb.AppendLine($"{indent}static {row.TypeName} global::AssetForge.Infrastructure.Data.IDbRow<{row.TypeName}>.Read(global::Npgsql.NpgsqlDataReader reader, int[] ordinals)");
        sb.AppendLine($"{indent}{{");
        sb.AppendLine(row.UseConstructor ? $"{indent}    return new {row.TypeName}(" : $"{indent}    return new {row.TypeName}");
        if (!row.UseConstructor) sb.AppendLine($"{indent}    {{");
        for (var i = 0; i < row.Columns.Length; i++)
        {
            var c = row.Columns[i];
            var read = ReadExpression(c.Type, $"ordinals[{i}]");
            var separator = i == row.Columns.Length - 1 && row.UseConstructor ? "" : ",";
            sb.AppendLine(row.UseConstructor
                ? $"{indent}        {read}{separator}"
                : $"{indent}        {c.Member} = {read}{separator}");
        }
        sb.AppendLine(row.UseConstructor ? $"{indent}    );" : $"{indent}    }};");
        sb.AppendLine($"{indent}}}");
        close();
        return sb.ToString();
    }

    internal static string ReadExpression(ClrType type, string ordinal) =>
        type.Nullable
            ? $"reader.IsDBNull({ordinal}) ? default({type.Declared}) : {type.Read(ordinal)}"
            : type.Read(ordinal);
}
