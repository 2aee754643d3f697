using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AssetForge.Generators;

internal enum ResultKind { RowOrNull, Row, RowList, Scalar, Affected }

internal sealed record ResultModel(ResultKind Kind, string TypeName, ClrType? Scalar, bool ReadOnlyList);

internal sealed record ParamModel(string Name, string DeclaredType, ClrType Type);

internal sealed record QueryModel(
    TargetInfo Target,
    string ContainerTypeName,
    string Method,
    string Signature,
    string ExecutorName,
    bool ExecutorIsDataSource,
    EquatableArray<ParamModel> Parameters,
    string? CancellationToken,
    EquatableArray<string> Statements,
    EquatableArray<EquatableArray<string>> StatementParameters,
    EquatableArray<ResultModel> Results,
    bool Execute,
    bool ReturnsValue,
    bool HidesInheritedCatalog,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Static partial methods marked [Query("sql", ...)] or [Execute("sql")] get bodies: the SQL's @name parameters
/// become $1, $2, … at compile time, each bound by name to the method parameter it names as a typed
/// NpgsqlParameter&lt;T&gt;, one NpgsqlCommand (or one NpgsqlBatch, so several
/// statements still cost one round trip), and results mapped by the [DbRow] readers. Every such
/// method is also listed in QueryCatalog so a test can describe its SQL against the real schema.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class QueryGenerator : IIncrementalGenerator
{
    private const string QueryAttribute = "AssetForge.Infrastructure.Data.QueryAttribute";
    private const string ExecuteAttribute = "AssetForge.Infrastructure.Data.ExecuteAttribute";
    private const string RowsAffected = "AssetForge.Infrastructure.Data.RowsAffected";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var queries = context.SyntaxProvider.ForAttributeWithMetadataName(QueryAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Build((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0], execute: false, ct));
        var executes = context.SyntaxProvider.ForAttributeWithMetadataName(ExecuteAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Build((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0], execute: true, ct));

        var all = queries.Collect().Combine(executes.Collect())
            .Select(static (pair, _) => pair.Left.AddRange(pair.Right).ToEquatableArray());

        context.RegisterSourceOutput(all, static (spc, models) =>
        {
            foreach (var group in models.GroupBy(m => m.Target.HintName))
            {
                var list = group.ToList();
                foreach (var d in list.SelectMany(m => m.Diagnostics)) spc.ReportDiagnostic(d.ToDiagnostic());
                if (list.Any(m => m.Diagnostics.Length > 0)) continue;
                spc.AddSource(group.Key, EmitContainer(list));
            }
            spc.AddSource("AssetForge.QueryCatalog.g.cs", EmitCatalog(models.Where(m => m.Diagnostics.Length == 0)));
        });

        // A row type that no query returns cannot be checked against the schema: say so at compile time.
        var rowNames = context.SyntaxProvider.ForAttributeWithMetadataName(RowGenerator.DbRowAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, _) => (Name: ((INamedTypeSymbol)ctx.TargetSymbol).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                                    Location: LocationInfo.From(ctx.TargetSymbol.Locations.FirstOrDefault())))
            .Collect();
        context.RegisterSourceOutput(rowNames.Combine(all), static (spc, pair) =>
        {
            var used = new HashSet<string>(pair.Right.SelectMany(m => m.Results).Select(r => r.TypeName));
            foreach (var row in pair.Left.Where(r => !used.Contains(r.Name)))
                spc.ReportDiagnostic(Diagnostic.Create(UnusedRow, row.Location?.ToLocation(), row.Name));
        });
    }

    private static readonly DiagnosticDescriptor UnusedRow = new(
        "AF007", "Row type not returned by any query",
        "'{0}' is not returned by any [Query] method, so the schema test cannot check its columns; read it through a [Query] method",
        "AssetForge.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static QueryModel Build(IMethodSymbol method, AttributeData attribute, bool execute, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = method.Locations.FirstOrDefault();
        var container = method.ContainingType;
        void Fail(string why) => diagnostics.Add(DiagnosticInfo.Create(Diagnostics.BadQueryMethod, location, method.Name, why));

        var statements = attribute.ConstructorArguments.SelectMany(a => a.Kind == TypedConstantKind.Array
                ? a.Values.Select(v => v.Value as string)
                : new[] { a.Value as string })
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList();
        if (statements.Count == 0) Fail("give at least one SQL statement");
        if (execute && statements.Count != 1) Fail("[Execute] takes exactly one statement");

        if (!method.IsStatic || !method.IsPartialDefinition || method.PartialImplementationPart is not null && !method.PartialImplementationPart.Locations.Any(l => l.IsInSource))
            Fail("must be a static partial method without a body");
        if (!Partial.IsPartialChain(container))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MustBePartial, location, container.Name));
        if (!IsAccessibleChain(container))
            Fail("its containing types must be public or internal so QueryCatalog can list it");

        var parameters = method.Parameters;
        var executor = parameters.FirstOrDefault();
        var executorType = executor?.Type.ToDisplayString();
        var isDataSource = executorType == "Npgsql.NpgsqlDataSource";
        if (!isDataSource && executorType != "Npgsql.NpgsqlConnection")
            Fail("its first parameter must be an NpgsqlDataSource or an NpgsqlConnection");

        string? cancellation = null;
        var bound = new List<ParamModel>();
        var parameterLocations = new Dictionary<string, Location?>();
        foreach (var p in parameters.Skip(1))
        {
            ct.ThrowIfCancellationRequested();
            if (p.Type.ToDisplayString() == "System.Threading.CancellationToken")
            {
                cancellation = p.Name;
                continue;
            }
            var clr = ColumnTypes.ClassifyParameter(p.Type);
            if (clr is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedParameterType, p.Locations.FirstOrDefault() ?? location,
                    p.Name, method.Name, p.Type.ToDisplayString()));
                continue;
            }
            bound.Add(new ParamModel(p.Name, p.Type.ToDisplayString(TypeFormat), clr));
            parameterLocations[p.Name] = p.Locations.FirstOrDefault() ?? location;
        }

        var declared = bound.Select(p => p.Name).ToList();
        var named = statements.Select(sql => SqlText.Rewrite(sql, declared)).ToList();
        CheckNames(named, bound, parameterLocations, attribute, location, method.Name, diagnostics, ct);

        var results = new List<ResultModel>();
        var returnsValue = true;
        var returnType = method.ReturnType as INamedTypeSymbol;
        if (returnType?.ToDisplayString() == "System.Threading.Tasks.Task" && execute)
        {
            returnsValue = false;
        }
        else if (returnType is { IsGenericType: true } && returnType.OriginalDefinition.ToDisplayString() == "System.Threading.Tasks.Task<TResult>")
        {
            var inner = returnType.TypeArguments[0];
            if (execute)
            {
                if (inner.SpecialType != SpecialType.System_Int32) Fail("[Execute] returns Task or Task<int> (rows affected)");
            }
            else
            {
                var elements = statements.Count > 1 && inner is INamedTypeSymbol { IsTupleType: true } tuple
                    ? tuple.TupleElements.Select(e => e.Type).ToList()
                    : new List<ITypeSymbol> { inner };
                if (elements.Count != statements.Count)
                    Fail($"{statements.Count} statements need a tuple of {statements.Count} results");
                foreach (var element in elements)
                {
                    var result = ClassifyResult(element);
                    if (result is null)
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedResult, location, method.Name, element.ToDisplayString()));
                    else
                        results.Add(result);
                }
            }
        }
        else
        {
            Fail(execute ? "[Execute] returns Task or Task<int>" : "[Query] returns Task<T>");
        }

        var signature = BuildSignature(method);
        return new QueryModel(
            TargetInfo.For(container, ".Queries"),
            container.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            method.Name, signature, executor?.Name ?? "executor", isDataSource,
            bound.ToEquatableArray(), cancellation,
            named.Select(n => n.Sql).ToEquatableArray(), named.Select(n => n.Names).ToEquatableArray(), results.ToEquatableArray(),
            execute, returnsValue, HasQueriesInBase(container), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// Binding is by name, so the SQL and the method must agree: every @name is a parameter (AF008), every bound
    /// parameter is used (AF009), and nothing is positional (AF010), which would bind by order again.
    /// </summary>
    private static void CheckNames(List<NamedSql> named, List<ParamModel> bound, Dictionary<string, Location?> parameterLocations,
        AttributeData attribute, Location? location, string method, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var sqlLocation = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? location;
        foreach (var dollar in named.SelectMany(n => n.Positional).Distinct())
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.PositionalParameter, sqlLocation, method, dollar));

        var known = new HashSet<string>(bound.Select(p => p.Name));
        foreach (var name in named.SelectMany(n => n.Names).Distinct().Where(n => !known.Contains(n)))
        {
            var near = bound.FirstOrDefault(p => string.Equals(p.Name, name, System.StringComparison.OrdinalIgnoreCase));
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownSqlParameter, sqlLocation, method, name,
                near is null ? "" : $" (did you mean @{near.Name}?)"));
        }

        var used = new HashSet<string>(named.SelectMany(n => n.Names));
        foreach (var p in bound.Where(p => !used.Contains(p.Name)))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnusedParameter, parameterLocations[p.Name], p.Name, method));
    }

    /// <summary>A base class with its own queries has its own generated catalog member, which ours must hide.</summary>
    private static bool HasQueriesInBase(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            var hasQueries = t.GetMembers().OfType<IMethodSymbol>().Any(m => m.GetAttributes().Any(a =>
                a.AttributeClass?.ToDisplayString() is QueryAttribute or ExecuteAttribute));
            if (hasQueries) return true;
        }
        return false;
    }

    private static bool IsAccessibleChain(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)) return false;
        return true;
    }

    private static ResultModel? ClassifyResult(ITypeSymbol type)
    {
        var name = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (IsRow(type))
            return new ResultModel(type.NullableAnnotation == NullableAnnotation.Annotated ? ResultKind.RowOrNull : ResultKind.Row, name, null, false);
        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            var definition = generic.OriginalDefinition.ToDisplayString();
            if ((definition == "System.Collections.Generic.List<T>" || definition == "System.Collections.Generic.IReadOnlyList<T>")
                && IsRow(generic.TypeArguments[0]))
            {
                var row = generic.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated)
                    .ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                return new ResultModel(ResultKind.RowList, row, null, definition.EndsWith("IReadOnlyList<T>", System.StringComparison.Ordinal));
            }
        }
        if (type.ToDisplayString().TrimEnd('?') == RowsAffected)
            return new ResultModel(ResultKind.Affected, name, null, false);
        var scalar = ColumnTypes.ClassifyColumn(type);
        return scalar is null ? null : new ResultModel(ResultKind.Scalar, scalar.TypeName, scalar, false);
    }

    private static bool IsRow(ITypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == RowGenerator.DbRowAttribute);

    private static string BuildSignature(IMethodSymbol method)
    {
        var accessibility = method.DeclaredAccessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            Accessibility.Private => "private",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            _ => "private protected",
        };
        var parameters = method.Parameters.Select((p, i) =>
            (i == 0 && method.IsExtensionMethod ? "this " : "") + p.Type.ToDisplayString(TypeFormat) + " " + p.Name);
        return $"{accessibility} static partial async {method.ReturnType.ToDisplayString(TypeFormat)} {method.Name}({string.Join(", ", parameters)})";
    }

    private static string EmitContainer(List<QueryModel> models)
    {
        var sb = new StringBuilder();
        var target = models[0].Target;
        var close = Partial.Open(sb, target);
        var indent = new string(' ', 4 * target.Containers.Length);

        foreach (var m in models)
        {
            for (var s = 0; s < m.Statements.Length; s++)
                sb.AppendLine($"{indent}private const string __{m.Method}_Sql{s} = {Naming.Literal(m.Statements[s])};");
            EmitMethod(sb, m, indent);
            sb.AppendLine();
        }

        // Catalog entries: SQL, typed default parameters and result shapes, read by the schema test.
        var hides = models[0].HidesInheritedCatalog ? "new " : "";
        sb.AppendLine($"{indent}internal static {hides}global::AssetForge.Infrastructure.Data.QueryInfo[] __AssetForgeQueries =>");
        sb.AppendLine($"{indent}[");
        foreach (var m in models)
        {
            var statements = string.Join(", ", Enumerable.Range(0, m.Statements.Length).Select(s => $"__{m.Method}_Sql{s}"));
            var names = string.Join(", ", m.StatementParameters.Select(n => "[" + string.Join(", ", n.Select(Naming.Literal)) + "]"));
            sb.AppendLine($"{indent}    new(\"{FullName(m)}\", [{statements}], [{names}],");
            sb.AppendLine($"{indent}        static statement => statement switch");
            sb.AppendLine($"{indent}        {{");
            for (var s = 0; s < m.Statements.Length; s++)
            {
                var ps = string.Join(", ", StatementParameters(m, s)
                    .Select(p => $"(global::Npgsql.NpgsqlParameter)new global::Npgsql.NpgsqlParameter<{p.DeclaredType}>()"));
                sb.AppendLine($"{indent}            {(s == m.Statements.Length - 1 ? "_" : s.ToString(System.Globalization.CultureInfo.InvariantCulture))} => new global::Npgsql.NpgsqlParameter[] {{ {ps} }},");
            }
            sb.AppendLine($"{indent}        }},");
            var shapes = m.Execute
                ? "global::AssetForge.Infrastructure.Data.QueryResult.Affected"
                : string.Join(", ", m.Results.Select(ResultShape));
            sb.AppendLine($"{indent}        [{shapes}]),");
        }
        sb.AppendLine($"{indent}];");
        close();
        return sb.ToString();
    }

    private static string ResultShape(ResultModel r) => r.Kind switch
    {
        ResultKind.Affected => "global::AssetForge.Infrastructure.Data.QueryResult.Affected",
        ResultKind.Scalar => $"global::AssetForge.Infrastructure.Data.QueryResult.ForScalar(typeof({r.Scalar!.TypeName}), {(r.Scalar.Nullable ? "true" : "false")})",
        _ => $"global::AssetForge.Infrastructure.Data.QueryResult.ForRow<{r.TypeName}>()",
    };

    private static void EmitMethod(StringBuilder sb, QueryModel m, string indent)
    {
        var ct = m.CancellationToken ?? "global::System.Threading.CancellationToken.None";
        var i1 = indent + "    ";
        var i2 = i1 + "    ";
        const string timing = "global::AssetForge.Infrastructure.Data.QueryTiming";
        // The body runs inside a timing try/finally; it is built apart so the batch's late declarations land in it.
        var body = new StringBuilder();
        if (m.Statements.Length == 1)
        {
            body.AppendLine(m.ExecutorIsDataSource
                ? $"{i2}await using var command = {m.ExecutorName}.CreateCommand(__{m.Method}_Sql0);"
                : $"{i2}await using var command = new global::Npgsql.NpgsqlCommand(__{m.Method}_Sql0, {m.ExecutorName});");
            EmitParameters(body, m, 0, "command.Parameters", i2);
            if (m.Execute || m.Results[0].Kind == ResultKind.Affected)
            {
                var exec = $"await command.ExecuteNonQueryAsync({ct}).ConfigureAwait(false)";
                body.AppendLine(!m.ReturnsValue ? $"{i2}{exec};"
                    : m.Execute ? $"{i2}return {exec};"
                    : $"{i2}return new global::AssetForge.Infrastructure.Data.RowsAffected({exec});");
            }
            else
            {
                body.AppendLine($"{i2}await using var reader = await command.ExecuteReaderAsync({ct}).ConfigureAwait(false);");
                EmitRead(body, m.Results[0], 0, ct, i2);
                body.AppendLine($"{i2}return r0;");
            }
        }
        else
        {
            body.AppendLine(m.ExecutorIsDataSource
                ? $"{i2}await using var batch = {m.ExecutorName}.CreateBatch();"
                : $"{i2}await using var batch = new global::Npgsql.NpgsqlBatch({m.ExecutorName});");
            for (var s = 0; s < m.Statements.Length; s++)
            {
                body.AppendLine($"{i2}var statement{s} = new global::Npgsql.NpgsqlBatchCommand(__{m.Method}_Sql{s});");
                EmitParameters(body, m, s, $"statement{s}.Parameters", i2);
                body.AppendLine($"{i2}batch.BatchCommands.Add(statement{s});");
            }
            body.AppendLine($"{i2}await using (var reader = await batch.ExecuteReaderAsync({ct}).ConfigureAwait(false))");
            body.AppendLine($"{i2}{{");
            var i3 = i2 + "    ";
            for (var s = 0; s < m.Results.Length; s++)
            {
                if (s > 0) body.AppendLine($"{i3}await reader.NextResultAsync({ct}).ConfigureAwait(false);");
                if (m.Results[s].Kind != ResultKind.Affected) EmitRead(body, m.Results[s], s, ct, i3, declare: false);
            }
            body.AppendLine($"{i3}while (await reader.NextResultAsync({ct}).ConfigureAwait(false)) {{ }}");
            body.AppendLine($"{i2}}}");
            for (var s = 0; s < m.Results.Length; s++)
                if (m.Results[s].Kind == ResultKind.Affected)
                    body.AppendLine($"{i2}r{s} = new global::AssetForge.Infrastructure.Data.RowsAffected(statement{s}.RecordsAffected);");
            body.AppendLine($"{i2}return ({string.Join(", ", Enumerable.Range(0, m.Results.Length).Select(s => "r" + s))});");
            // Declarations must precede the using block: insert them now that the shapes are known.
            var declarations = string.Concat(m.Results.Select((r, s) => $"{i2}{DeclaredResultType(r)} r{s} = default!;\n"));
            var marker = $"{i2}await using (var reader";
            var at = body.ToString().LastIndexOf(marker, System.StringComparison.Ordinal);
            body.Insert(at, declarations);
        }
        sb.AppendLine($"{indent}{m.Signature}");
        sb.AppendLine($"{indent}{{");
        sb.AppendLine($"{i1}var __started = {timing}.Start();");
        sb.AppendLine($"{i1}try");
        sb.AppendLine($"{i1}{{");
        sb.Append(body);
        sb.AppendLine($"{i1}}}");
        sb.AppendLine($"{i1}finally");
        sb.AppendLine($"{i1}{{");
        sb.AppendLine($"{i2}{timing}.Stop(\"{FullName(m)}\", __started);");
        sb.AppendLine($"{i1}}}");
        sb.AppendLine($"{indent}}}");
    }

    /// <summary>The name the catalog, the spans and the slow-query log know a query by.</summary>
    private static string FullName(QueryModel m) => $"{m.ContainerTypeName.Replace("global::", "")}.{m.Method}";

    private static string DeclaredResultType(ResultModel r) => r.Kind switch
    {
        ResultKind.RowOrNull => r.TypeName + "?",
        ResultKind.Row => r.TypeName,
        ResultKind.RowList => r.ReadOnlyList
            ? $"global::System.Collections.Generic.IReadOnlyList<{r.TypeName}>"
            : $"global::System.Collections.Generic.List<{r.TypeName}>",
        ResultKind.Scalar => r.Scalar!.Declared,
        _ => "global::AssetForge.Infrastructure.Data.RowsAffected",
    };

    private static IEnumerable<ParamModel> StatementParameters(QueryModel m, int statement) =>
        m.StatementParameters[statement].Select(name => m.Parameters.First(p => p.Name == name));

    private static void EmitParameters(StringBuilder sb, QueryModel m, int statement, string target, string indent)
    {
        foreach (var p in StatementParameters(m, statement))
        {
            var value = p.Type.IsDateTimeOffset
                ? (p.Type.Nullable ? $"{p.Name}?.ToUniversalTime()" : $"{p.Name}.ToUniversalTime()")
                : p.Name;
            sb.AppendLine($"{indent}{target}.Add(new global::Npgsql.NpgsqlParameter<{p.DeclaredType}> {{ TypedValue = {value} }});");
        }
    }

    private static void EmitRead(StringBuilder sb, ResultModel r, int index, string ct, string indent, bool declare = true)
    {
        var v = $"r{index}";
        var decl = declare ? "var " : "";
        const string rows = "global::AssetForge.Infrastructure.Data.DbRows";
        switch (r.Kind)
        {
            case ResultKind.RowOrNull:
                sb.AppendLine($"{indent}{decl}{v} = await {rows}.FirstOrDefaultAsync<{r.TypeName}>(reader, {ct}).ConfigureAwait(false);");
                break;
            case ResultKind.Row:
                sb.AppendLine($"{indent}{decl}{v} = await {rows}.SingleAsync<{r.TypeName}>(reader, {ct}).ConfigureAwait(false);");
                break;
            case ResultKind.RowList:
                sb.AppendLine($"{indent}{decl}{v} = await {rows}.ToListAsync<{r.TypeName}>(reader, {ct}).ConfigureAwait(false);");
                break;
            case ResultKind.Scalar:
                var s = r.Scalar!;
                var initial = s.Nullable ? "default" : "default!";
                if (declare) sb.AppendLine($"{indent}{s.Declared} {v} = {initial};");
                else sb.AppendLine($"{indent}{v} = {initial};");
                if (s.Nullable)
                {
                    sb.AppendLine($"{indent}if (await reader.ReadAsync({ct}).ConfigureAwait(false) && !reader.IsDBNull(0)) {v} = {s.Read("0")};");
                }
                else
                {
                    sb.AppendLine($"{indent}if (!await reader.ReadAsync({ct}).ConfigureAwait(false) || reader.IsDBNull(0))");
                    sb.AppendLine($"{indent}    throw new global::System.InvalidOperationException(\"The query returned no value for a non-nullable scalar.\");");
                    sb.AppendLine($"{indent}{v} = {s.Read("0")};");
                }
                break;
        }
    }

    private static string EmitCatalog(IEnumerable<QueryModel> models)
    {
        var containers = models.Select(m => m.ContainerTypeName).Distinct().OrderBy(n => n, System.StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated/> by AssetForge.Generators");
        sb.AppendLine("#nullable enable");
        sb.AppendLine("namespace AssetForge.Infrastructure.Data;");
        sb.AppendLine();
        sb.AppendLine("/// <summary>Every [Query]/[Execute] method in the assembly, for the schema test.</summary>");
        sb.AppendLine("internal static class QueryCatalog");
        sb.AppendLine("{");
        sb.AppendLine("    public static global::System.Collections.Generic.IEnumerable<QueryInfo> All()");
        sb.AppendLine("    {");
        foreach (var c in containers)
            sb.AppendLine($"        foreach (var q in {c}.__AssetForgeQueries) yield return q;");
        if (containers.Count == 0) sb.AppendLine("        yield break;");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
