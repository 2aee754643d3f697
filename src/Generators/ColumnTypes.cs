using System.Linq;
using Microsoft.CodeAnalysis;

namespace AssetForge.Generators;

/// <summary>A CLR type as the reader and the parameter binder see it.</summary>
/// <param name="TypeName">Fully qualified type without its nullable marker.</param>
/// <param name="Nullable">Declared nullable (T? for either value or reference types).</param>
/// <param name="IsValueType">Whether the underlying type is a value type.</param>
/// <param name="IsDateTimeOffset">Whether parameters of this type must be normalised to UTC first.</param>
/// <param name="IsOutcome">A [DbOutcome] enum: read from a text column of its snake_case labels.</param>
/// <param name="IsStoredJson">A StoredJson: a jsonb column's UTF-8 text, read as bytes.</param>
internal sealed record ClrType(string TypeName, bool Nullable, bool IsValueType, bool IsDateTimeOffset, bool IsOutcome = false,
    bool IsStoredJson = false)
{
    public string Declared => Nullable ? TypeName + "?" : TypeName;

    /// <summary>Reads the (non-NULL) value at <paramref name="ordinal"/> of <c>reader</c>.</summary>
    public string Read(string ordinal) =>
        IsOutcome ? $"global::AssetForge.Infrastructure.Data.DbOutcomes.Parse(reader.GetFieldValue<string>({ordinal}), default({TypeName}))"
        : IsStoredJson ? $"new {TypeName}(reader.GetFieldValue<byte[]>({ordinal}))"
        : $"reader.GetFieldValue<{TypeName}>({ordinal})";
}

/// <summary>
/// The CLR types a column or parameter may have: each one Npgsql reads with GetFieldValue&lt;T&gt; and
/// writes with NpgsqlParameter&lt;T&gt; under the slim data source builder's opt-ins (arrays, JSON, mapped enums),
/// and, as results only, [DbOutcome] enums and StoredJson (jsonb read as its UTF-8 text). Anything else is a
/// compile-time error rather than a run-time surprise.
/// </summary>
internal static class ColumnTypes
{
    public const string PgEnumAttribute = "AssetForge.Infrastructure.Data.PgEnumAttribute";
    public const string DbOutcomeAttribute = "AssetForge.Infrastructure.Data.DbOutcomeAttribute";
    public const string StoredJson = "global::AssetForge.Infrastructure.Data.StoredJson";

    private static readonly string[] NamedScalars =
    {
        "System.Guid", "System.DateTimeOffset", "System.TimeSpan", "System.DateOnly", "System.TimeOnly",
        "System.Text.Json.JsonElement", "System.Text.Json.JsonDocument",
    };

    /// <summary>A type as a result column, or null when the reader cannot map it.</summary>
    public static ClrType? ClassifyColumn(ITypeSymbol type) => Classify(type, outcomes: true);

    /// <summary>A type as a parameter, or null when it cannot be sent typed (outcomes are answers, never sent).</summary>
    public static ClrType? ClassifyParameter(ITypeSymbol type) => Classify(type, outcomes: false);

    private static ClrType? Classify(ITypeSymbol type, bool outcomes)
    {
        var nullable = false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            nullable = true;
            type = wrapper.TypeArguments[0];
        }
        else if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            nullable = true;
        }

        var plain = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        var name = plain.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (outcomes && IsOutcome(plain)) return new ClrType(name, nullable, IsValueType: true, IsDateTimeOffset: false, IsOutcome: true);
        // Answers only: what a request sends is parsed and checked, so it travels as JsonElement.
        if (outcomes && name == StoredJson) return new ClrType(name, nullable, IsValueType: true, IsDateTimeOffset: false, IsStoredJson: true);
        if (!IsSupported(plain)) return null;
        return new ClrType(name, nullable, plain.IsValueType, name == "global::System.DateTimeOffset");
    }

    public static bool IsOutcome(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Enum && type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DbOutcomeAttribute);

    private static bool IsSupported(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            var element = array.ElementType;
            return array.Rank == 1
                && element is not IArrayTypeSymbol
                && element.NullableAnnotation != NullableAnnotation.Annotated
                && element is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
                && (element.SpecialType == SpecialType.System_Byte || IsScalar(element));
        }
        return IsScalar(type);
    }

    private static bool IsScalar(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Int16:
            case SpecialType.System_Int32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt32: // xid, e.g. the xmin row version
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_String:
            case SpecialType.System_DateTime:
                return true;
        }
        if (type.TypeKind == TypeKind.Enum)
            return type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == PgEnumAttribute);
        var name = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        return NamedScalars.Contains(name);
    }
}
