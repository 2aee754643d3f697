using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

namespace AssetForge.Features.Errors;

[PgEnum("error_severity")]
[JsonConverter(typeof(PgEnumJsonConverter<ErrorSeverity>))]
public enum ErrorSeverity
{
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

[PgEnum("error_category")]
[JsonConverter(typeof(PgEnumJsonConverter<ErrorCategory>))]
public enum ErrorCategory
{
    Validation,
    Authentication,
    Authorization,
    ExternalApi,
    Database,
    FileSystem,
    Network,
    Application,
    Unknown,
}
