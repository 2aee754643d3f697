using System.Linq;
using Microsoft.CodeAnalysis;

namespace AssetForge.Generators;

/// <summary>A CLR type as the reader and the parameter binder see it.</summary>
/// <param name="TypeName">Fully qualified type without its nullable marker.</param>
/// <param name="Nullable">Declared nullable (T? for either value or reference types).</param>
/// <param name="IsValueType">Whether the underlying type is a value type.</param>
/// <param name="IsDateTimeOffset">Whether parameters of this type must be normalised to UTC first.</param>
internal sealed record ClrType(string TypeName, bool Nullable, bool IsValueType, bool IsDateTimeOffset)
{
    public string Declared => Nullable ? TypeName + "?" : TypeName;
}

/// <summary>
/// The CLR types a column or parameter may have: each one Npgsql reads with GetFieldValue&lt;T&gt; and
/// writes with NpgsqlParameter&lt;T&gt; under the slim data source builder's opt-ins (arrays, JSON, mapped enums).
/// Anything else is a compile-time error rather than a run-time surprise.
/// </summary>
internal static class ColumnTypes
{
    public const string PgEnumAttribute = "AssetForge.Infrastructure.Data.PgEnumAttribute";

    private static readonly string[] NamedScalars =
    {
        "System.Guid", "System.DateTimeOffset", "System.TimeSpan", "System.DateOnly", "System.TimeOnly",
        "System.Text.Json.JsonElement", "System.Text.Json.JsonDocument",
    };

    public static ClrType? Classify(ITypeSymbol type)
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
        if (!IsSupported(plain)) return null;
        var name = plain.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new ClrType(name, nullable, plain.IsValueType, name == "global::System.DateTimeOffset");
    }

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
