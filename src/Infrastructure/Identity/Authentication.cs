using System.Runtime.ExceptionServices;
using System.Security.Claims;
using System.Security.Cryptography;
using AssetForge.Infrastructure.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Infrastructure.Identity;

/// <summary>
/// JWT bearer authentication configured from the standard section Authentication:Schemes:Bearer (what
/// `dotnet user-jwts` writes: ValidIssuer, ValidAudiences, SigningKeys, or Authority for OIDC providers),
/// plus two additions for providers that publish ES256 keys without OIDC discovery (Privy, for one):
/// Authentication:Schemes:Bearer:JwksUrl and Authentication:Schemes:Bearer:PublicKeyPem.
/// A validated token's subject is resolved to a users row (created on first sight) and its role.
/// </summary>
public static class Authentication
{
    public const string AdminPolicy = "admin";
    private const string Section = "Authentication:Schemes:Bearer";

    public static IServiceCollection AddAssetForgeAuthentication(this IServiceCollection services)
    {
        services.AddMemoryCache(o => o.SizeLimit = 100_000);
        services.AddSingleton<UserDirectory>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        WithoutKeyRingAtStartup(services);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<IConfiguration>((options, configuration) => Configure(options, configuration.GetSection(Section)))
            .PostConfigure<IOptions<AuthenticationSettings>, TimeProvider>((options, settings, clock) =>
                CacheValidatedTokens(options, settings.Value.ValidatedTokenCacheSize, clock));
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(CurrentUser.AdminClaim, "true"));
        AuthorizationServicesBuiltOnce(services);
        return services;
    }

    /// <summary>
    /// The framework registers its authorization services as transient, and the authorization middleware resolves the
    /// policy evaluator, and through it the rest, on every request: seven constructors found and invoked by reflection
    /// per request under NativeAOT. They hold nothing of a request, so they are built once. This stays true while every
    /// <see cref="IAuthorizationHandler"/> is stateless (today only the framework's pass-through handler is registered):
    /// a singleton handler provider would keep a scoped handler past its scope.
    /// </summary>
    private static void AuthorizationServicesBuiltOnce(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, PolicyEvaluator>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationService, DefaultAuthorizationService>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>());
    }

    /// <summary>
    /// AddAuthentication also registers Data Protection, for the cookie and OAuth handlers; bearer tokens never use it,
    /// but its hosted service loads the key ring at start-up, and where no key is persisted (a fresh container, every
    /// time) it writes a new one under $HOME and logs a Warning that the key is stored unencrypted. Its services stay
    /// registered for whatever might ask; only that eager load at start goes.
    /// </summary>
    private static void WithoutKeyRingAtStartup(IServiceCollection services)
    {
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.Assembly == dataProtection)
                services.RemoveAt(i);
        }
    }

    private static void Configure(JwtBearerOptions options, IConfigurationSection section)
    {
        // Keep the token's own claim names ("sub", "role") instead of the WS-Federation URIs.
        options.MapInboundClaims = false;
        // Nothing reads the token back from the authentication properties (GetTokenAsync), and storing it there cost
        // every request its token names joined and the token copied under its own key: ~0.5 KB of heap per request.
        options.SaveToken = false;
        var parameters = options.TokenValidationParameters;
        parameters.NameClaimType = "sub";
        parameters.RoleClaimType = "role";
        parameters.ClockSkew = TimeSpan.FromSeconds(30);
        parameters.RequireExpirationTime = true;

        // The framework's keys from SigningKeys are a lazy sequence that re-reads configuration each time it is
        // enumerated, and the handler copies the validation parameters (enumerating it) on every request: 4 % of a
        // get-pipeline's CPU in a profile. Read them once (configuration is not reloaded: see Program.cs).
        var keys = parameters.IssuerSigningKeys?.ToList() ?? [];
        if (section["PublicKeyPem"] is { Length: > 0 } pem)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            keys.Add(new ECDsaSecurityKey(key));
        }
        parameters.IssuerSigningKeys = keys;

        if (section["JwksUrl"] is { Length: > 0 } jwksUrl && options.ConfigurationManager is null)
        {
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                jwksUrl, new JwksRetriever(), new HttpDocumentRetriever(options.Backchannel ?? new HttpClient()) { RequireHttps = options.RequireHttpsMetadata });
        }

        options.Events ??= new JwtBearerEvents();
        options.Events.OnTokenValidated = AttachUserAsync;
    }

    /// <summary>
    /// Authentication:ValidatedTokenCacheSize tokens (default 10,000; 0 turns the cache off) are remembered once
    /// validated: see <see cref="CachedTokenHandler"/>.
    /// </summary>
    private static void CacheValidatedTokens(JwtBearerOptions options, int size, TimeProvider clock)
    {
        if (size == 0) return;
        var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = size });
        for (var i = 0; i < options.TokenHandlers.Count; i++)
            options.TokenHandlers[i] = new CachedTokenHandler(options.TokenHandlers[i], cache, clock);
    }

    /// <summary>Turns a valid token into our user: provisions the users row on first sight and decides the role.</summary>
    private static async Task AttachUserAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var subject = principal.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject) || subject.Length > 255)
        {
            context.Fail("The token has no usable subject.");
            return;
        }

        var directory = context.HttpContext.RequestServices.GetRequiredService<UserDirectory>();
        UserRow user;
        try
        {
            user = await directory.ResolveAsync(subject, principal.FindFirstValue("email"), principal.FindFirstValue("name"),
                context.HttpContext.RequestAborted);
        }
        catch (Exception e) when (DatabaseOutage.Classify(e) is not null)
        {
            // Thrown from here, the bearer handler would log an Error with the stack trace on every request of an
            // outage; kept aside instead, BearerTokens.Guard rethrows it for the exception handler's 503.
            context.HttpContext.Features.Set(new DeferredFailure(ExceptionDispatchInfo.Capture(e)));
            context.Fail("The user directory is unavailable.");
            return;
        }
        var isAdmin = principal.IsInRole("admin") || string.Equals(user.Role, "admin", StringComparison.OrdinalIgnoreCase);

        var identity = new ClaimsIdentity(
            [new Claim(CurrentUser.IdClaim, user.Id.ToString()), new Claim(CurrentUser.AdminClaim, isAdmin ? "true" : "false")]);
        principal.AddIdentity(identity);
    }

    /// <summary>Fetches a bare JWKS document (no OIDC discovery) and presents its keys as a configuration.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var json = await retriever.GetDocumentAsync(address, cancel);
            var configuration = new OpenIdConnectConfiguration();
            foreach (var key in new JsonWebKeySet(json).GetSigningKeys()) configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}

/// <summary>A database failure met while authenticating, rethrown by <see cref="BearerTokens.UseBearerTokenGuard"/>.</summary>
internal sealed record DeferredFailure(ExceptionDispatchInfo Failure);

public static class BearerTokens
{
    /// <summary>
    /// A request that sends a bearer token which fails validation is a 401 on every route, including those open to
    /// anonymous callers: the caller meant to be someone, and silently treating them as anonymous would hide an
    /// expired or forged token (and spend the anonymous budget). Runs right after UseAuthentication.
    /// </summary>
    public static IApplicationBuilder UseBearerTokenGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Features.Get<DeferredFailure>() is { } deferred) deferred.Failure.Throw();
        // UseAuthentication keeps only successes; the handler caches its result, so asking again costs nothing.
        if (http.User.Identity?.IsAuthenticated != true && http.Request.Headers.Authorization.Count > 0
            && await http.AuthenticateAsync() is { Failure: not null })
        {
            await http.ChallengeAsync();
            return;
        }
        await next(http);
    });
}
