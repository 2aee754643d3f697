using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AssetForge.Generators;

/// <summary>A diagnostic's place, kept as plain values so pipeline models stay cacheable.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Args)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location?.ToLocation(), Args.Items.ToArray());

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
        new(descriptor, LocationInfo.From(location), args.ToEquatableArray());
}

/// <summary>One enclosing type declaration, re-emitted so generated members land in the right partial type.</summary>
internal sealed record ContainerInfo(string Keyword, string Name);

/// <summary>Where generated code goes: namespace plus the chain of enclosing partial types, outermost first.</summary>
internal sealed record TargetInfo(string? Namespace, EquatableArray<ContainerInfo> Containers, string HintName)
{
    public static TargetInfo For(INamedTypeSymbol type, string hintSuffix)
    {
        var chain = new System.Collections.Generic.List<ContainerInfo>();
        for (var t = type; t is not null; t = t.ContainingType)
            chain.Insert(0, new ContainerInfo(Keyword(t), t.Name));
        var ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        var hint = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", "").Replace('<', '_').Replace('>', '_') + hintSuffix;
        return new TargetInfo(ns, chain.ToEquatableArray(), hint + ".g.cs");
    }

    private static string Keyword(INamedTypeSymbol t) => t switch
    {
        { IsRecord: true, IsValueType: true } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        { IsStatic: true } => "static class",
        _ => "class",
    };
}

internal static class Diagnostics
{
    private const string Category = "AssetForge.Data";

    public static readonly DiagnosticDescriptor UnsupportedColumnType = new(
        "AF001", "Unsupported column type",
        "Member '{0}' of '{1}' has type '{2}', which the row reader cannot map; use a supported type (see ColumnTypes) or change the member",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MustBePartial = new(
        "AF002", "Type must be partial",
        "'{0}' and every type enclosing it must be declared partial so generated code can extend it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RowMustBeClass = new(
        "AF003", "Row type must be a class",
        "'{0}' must be a class or record class with at least one readable member",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BadQueryMethod = new(
        "AF004", "Invalid query method",
        "Query method '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedParameterType = new(
        "AF005", "Unsupported parameter type",
        "Parameter '{0}' of '{1}' has type '{2}', which cannot be sent as a typed PostgreSQL parameter",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedResult = new(
        "AF006", "Unsupported result type",
        "Query method '{0}': result '{1}' is not a [DbRow] type, List/IReadOnlyList of one, a column type or RowsAffected",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownSqlParameter = new(
        "AF008", "SQL names a parameter the method lacks",
        "Query method '{0}': its SQL uses @{1}, but the method has no parameter named '{1}'{2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnusedParameter = new(
        "AF009", "Method parameter the SQL never uses",
        "Parameter '{0}' of '{1}' is not used by its SQL; name it there as @{0} or remove it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor PositionalParameter = new(
        "AF010", "Positional SQL parameter",
        "Query method '{0}': its SQL uses the positional parameter {1}; name the method parameter instead (@name), which binds by name",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
