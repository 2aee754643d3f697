using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace AssetForge.Infrastructure;

// Each configuration section binds to one settings class (the configuration-binding source generator writes the
// binding, so it survives trimming) and is validated when the host starts: a bad value stops start-up with a
// message naming its key, and no value is clamped. Slices declare their own sections the same way.

/// <summary>The Api section: request body size and the cursor key.</summary>
public sealed class ApiSettings
{
    public const string Section = "Api";

    [Range(1L, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Only has to be stable across replicas and restarts; cursors carry no secrets.</summary>
    public string? CursorKey { get; set; }
}

/// <summary>The Jobs section: Enabled=false stops every schedule (tests run jobs explicitly).</summary>
public sealed class JobSettings
{
    public const string Section = "Jobs";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long after the migrations each job's first run waits: a starting replica's CPU and first connections go to
    /// getting ready and to its first requests (the five jobs opening their connections at once put ~15 ms into start
    /// to ready on 2 cores: 107 against 94 ms with the jobs off, docs/performance.md), and a run missed while the process was down is still caught up within seconds.
    /// </summary>
    [Range(0, 3600)]
    public int StartDelaySeconds { get; set; } = 5;
}

/// <summary>The Authentication section's own key (the bearer scheme's keys are JwtBearer's).</summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";

    /// <summary>How many validated tokens are remembered; 0 turns the cache off.</summary>
    [Range(0, int.MaxValue)]
    public int ValidatedTokenCacheSize { get; set; } = 10_000;
}

/// <summary>A fixed-window budget of the RateLimiting section.</summary>
public sealed class WriteBudget
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>The RateLimiting section: Writes (per user) and Anonymous (per IP) budgets.</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimiting";

    public WriteBudget Writes { get; set; } = new() { PermitLimit = 600 };

    public WriteBudget Anonymous { get; set; } = new() { PermitLimit = 30 };
}

/// <summary>The Cors section: the browser origins allowed to call the API.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>The ForwardedHeaders section: the proxies whose X-Forwarded-For/-Proto are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    public string[] KnownProxies { get; set; } = [];

    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>The Database section's own keys (the connection string is ConnectionStrings:AssetForge).</summary>
public sealed class DatabaseSettings
{
    public const string Section = "Database";

    /// <summary>How long start-up (and `migrate`) waits for the database before exiting 1; 0 tries once.</summary>
    [Range(0, 3_600)]
    public int StartupTimeoutSeconds { get; set; } = 60;

    /// <summary>Retry-After of the 503/504 answered while the database is away or slow.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Statements slower than this are logged and counted; 0 turns the slow-query log off.</summary>
    [Range(0, 3_600_000)]
    public int SlowQueryMilliseconds { get; set; } = 500;

    public TimeSpan StartupTimeout => TimeSpan.FromSeconds(StartupTimeoutSeconds);

    public TimeSpan SlowQuery => TimeSpan.FromMilliseconds(SlowQueryMilliseconds);
}

/// <summary>The Idempotency section: how long a key's answer is kept, and the job that removes expired keys.</summary>
public sealed class IdempotencySettings
{
    public const string Section = "Idempotency";

    [Range(1, 8_760)]
    public int RetentionHours { get; set; } = 24;

    [Range(1, 604_800)]
    public int JobIntervalSeconds { get; set; } = 600;

    [Range(1, 1_000_000)]
    public int JobBatchSize { get; set; } = 5_000;

    public TimeSpan Interval => TimeSpan.FromSeconds(JobIntervalSeconds);
}

/// <summary>The Shutdown section: how long a stopping instance keeps serving with Connection: close; 0 stops at once.</summary>
public sealed class ShutdownSettings
{
    public const string Section = "Shutdown";

    [Range(0, 300)]
    public int DrainSeconds { get; set; } = 5;

    public TimeSpan Drain => TimeSpan.FromSeconds(DrainSeconds);
}

/// <summary>
/// The Telemetry section: Enabled=false leaves OpenTelemetry out (read while the services are registered, so it is
/// bound there too); RecordSqlText puts each statement's SQL in its span.
/// </summary>
public sealed class TelemetrySettings
{
    public const string Section = "Telemetry";

    public bool Enabled { get; set; } = true;

    public bool RecordSqlText { get; set; }
}

/// <summary>
/// Runs a generated [OptionsValidator] and names each failure by its configuration key: the generated messages
/// name the member only ("RetentionDays: The field … must be between 1 and 36500."), this prefixes the section.
/// </summary>
public sealed class KeyedValidator<T>(string section, IValidateOptions<T> generated) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var result = generated.Validate(name, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(f => $"{section}:{f}")) : result;
    }
}

[OptionsValidator]
public sealed partial class ApiSettingsValidator : IValidateOptions<ApiSettings>;

[OptionsValidator]
public sealed partial class JobSettingsValidator : IValidateOptions<JobSettings>;

[OptionsValidator]
public sealed partial class AuthenticationSettingsValidator : IValidateOptions<AuthenticationSettings>;

[OptionsValidator]
public sealed partial class DatabaseSettingsValidator : IValidateOptions<DatabaseSettings>;

[OptionsValidator]
public sealed partial class IdempotencySettingsValidator : IValidateOptions<IdempotencySettings>;

[OptionsValidator]
public sealed partial class ShutdownSettingsValidator : IValidateOptions<ShutdownSettings>;

/// <summary>Rules that need code: budgets and addresses, each failure named by its key.</summary>
public sealed class SectionValidator : IValidateOptions<RateLimitSettings>, IValidateOptions<CorsSettings>, IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, RateLimitSettings options) => Result(
        Budget(options.Writes, "RateLimiting:Writes").Concat(Budget(options.Anonymous, "RateLimiting:Anonymous")));

    public ValidateOptionsResult Validate(string? name, CorsSettings options) => Result(options.AllowedOrigins
        .Select((origin, i) => (origin, i))
        .Where(o => o.origin.Length > 0 && !IsOrigin(o.origin))
        .Select(o => $"Cors:AllowedOrigins:{o.i} must be an absolute http(s) origin, not '{o.origin}'."));

    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options) => Result(
        options.KnownProxies.Select((proxy, i) => (proxy, i)).Where(p => !IPAddress.TryParse(p.proxy, out _))
            .Select(p => $"ForwardedHeaders:KnownProxies:{p.i} must be an IP address, not '{p.proxy}'.")
        .Concat(options.KnownNetworks.Select((network, i) => (network, i)).Where(n => !IPNetwork.TryParse(n.network, out _))
            .Select(n => $"ForwardedHeaders:KnownNetworks:{n.i} must be a CIDR network (10.0.0.0/8), not '{n.network}'.")));

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static IEnumerable<string> Budget(WriteBudget budget, string key)
    {
        if (budget.PermitLimit < 1) yield return $"{key}:PermitLimit must be at least 1, not {budget.PermitLimit}.";
        if (budget.WindowSeconds < 1) yield return $"{key}:WindowSeconds must be at least 1, not {budget.WindowSeconds}.";
    }

    internal static ValidateOptionsResult Result(IEnumerable<string> failures)
    {
        var list = failures.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}

public static class SettingsRegistration
{
    /// <summary>The sections the shared plumbing reads, each bound and validated at start-up.</summary>
    public static IServiceCollection AddAssetForgeSettings(this IServiceCollection services)
    {
        services.AddOptions<ApiSettings>().BindConfiguration(ApiSettings.Section).ValidateOnStart();
        services.AddOptions<JobSettings>().BindConfiguration(JobSettings.Section).ValidateOnStart();
        services.AddOptions<AuthenticationSettings>().BindConfiguration(AuthenticationSettings.Section).ValidateOnStart();
        services.AddOptions<RateLimitSettings>().BindConfiguration(RateLimitSettings.Section).ValidateOnStart();
        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section).ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section).ValidateOnStart();
        services.AddOptions<DatabaseSettings>().BindConfiguration(DatabaseSettings.Section).ValidateOnStart();
        services.AddOptions<IdempotencySettings>().BindConfiguration(IdempotencySettings.Section).ValidateOnStart();
        services.AddOptions<ShutdownSettings>().BindConfiguration(ShutdownSettings.Section).ValidateOnStart();
        services.AddOptions<TelemetrySettings>().BindConfiguration(TelemetrySettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiSettings>>(new KeyedValidator<ApiSettings>(ApiSettings.Section, new ApiSettingsValidator()));
        services.AddSingleton<IValidateOptions<JobSettings>>(new KeyedValidator<JobSettings>(JobSettings.Section, new JobSettingsValidator()));
        services.AddSingleton<IValidateOptions<AuthenticationSettings>>(
            new KeyedValidator<AuthenticationSettings>(AuthenticationSettings.Section, new AuthenticationSettingsValidator()));
        services.AddSingleton<IValidateOptions<DatabaseSettings>>(new KeyedValidator<DatabaseSettings>(DatabaseSettings.Section, new DatabaseSettingsValidator()));
        services.AddSingleton<IValidateOptions<IdempotencySettings>>(
            new KeyedValidator<IdempotencySettings>(IdempotencySettings.Section, new IdempotencySettingsValidator()));
        services.AddSingleton<IValidateOptions<ShutdownSettings>>(new KeyedValidator<ShutdownSettings>(ShutdownSettings.Section, new ShutdownSettingsValidator()));
        services.AddSingleton<IValidateOptions<RateLimitSettings>, SectionValidator>();
        services.AddSingleton<IValidateOptions<CorsSettings>, SectionValidator>();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, SectionValidator>();
        // One clock for every slice: tests replace it with a FakeTimeProvider.
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
