using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AssetForge.Infrastructure.Identity;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Tests.Infrastructure;

/// <summary>Authentication, the admin policy, write budgets and CORS, over probe routes standing in for slices.</summary>
public sealed class IdentityTests(IdentityTests.Factory factory) : IClassFixture<IdentityTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        internal static readonly ECDsa ProviderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("RateLimiting:Writes:PermitLimit", "3"),
            new("RateLimiting:Writes:WindowSeconds", "3600"),
            new("RateLimiting:Anonymous:PermitLimit", "2"),
            new("RateLimiting:Anonymous:WindowSeconds", "3600"),
            new("Cors:AllowedOrigins:0", "https://studio.example.com"),
            // An ES256 provider without OIDC discovery (Privy-style): its public key as PEM.
            new("Authentication:Schemes:Bearer:PublicKeyPem", ProviderKey.ExportSubjectPublicKeyInfoPem()),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddProbeEndpoints(MapProbes, authorize: true));
        }
    }

    // Behind the application's pipeline, which has already authenticated and rate-limited the request.
    private static void MapProbes(IEndpointRouteBuilder e)
    {
        var api = e.MapGroup("/api/_probe").RequireAuthorization();
        api.MapGet("/admin", () => TypedResults.NoContent()).RequireAuthorization(Authentication.AdminPolicy);
        api.MapPost("/write", (CurrentUser user) => TypedResults.Ok(user.Id));
        api.MapGet("/read", () => TypedResults.NoContent());
        // 204 when the request kept no copy of its token, 200 when it did.
        api.MapGet("/kept-token", async Task<Results<NoContent, Ok>> (HttpContext http) =>
            await http.GetTokenAsync("access_token") is null ? TypedResults.NoContent() : TypedResults.Ok());
        api.MapPost("/anonymous", (CurrentUser? user) => TypedResults.Ok(user?.Id.ToString() ?? "anonymous")).AllowAnonymous();
    }

    [Fact]
    public async Task Missing_token_is_a_401_problem_with_a_bearer_challenge()
    {
        var response = await factory.CreateClient().GetAsync("/api/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-key")]
    [InlineData("wrong-audience")]
    [InlineData("garbage")]
    public async Task Invalid_token_is_a_401_problem(string kind)
    {
        var subject = Tokens.NewSubject();
        var token = kind switch
        {
            "expired" => Tokens.Expired(subject),
            "wrong-key" => Tokens.WrongKey(subject),
            "wrong-audience" => Tokens.WrongAudience(subject),
            _ => "not.a.jwt",
        };
        await (await factory.ClientWith(token).GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM users WHERE privy_user_id = $1", subject));
    }

    [Fact]
    public async Task An_ES256_token_from_the_configured_public_key_is_accepted()
    {
        var credentials = new SigningCredentials(new ECDsaSecurityKey(Factory.ProviderKey), SecurityAlgorithms.EcdsaSha256);
        var token = Tokens.Create(Tokens.NewSubject(), credentials: credentials);
        await (await factory.ClientWith(token).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_bearer_token_is_checked_but_not_kept_with_the_request()
    {
        // Nothing reads it back, and keeping it cost every request ~0.5 KB of heap.
        var user = await factory.SignInAsync();
        await (await user.Client.GetAsync("/api/_probe/kept-token")).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Member_on_an_admin_route_is_a_403_problem_and_admin_passes()
    {
        var member = await factory.SignInAsync();
        await (await member.Client.GetAsync("/api/_probe/admin")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync("/api/_probe/admin")).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public void The_authorization_services_every_request_resolves_are_built_once_and_no_handler_holds_request_state()
    {
        using var first = factory.Services.CreateScope();
        using var second = factory.Services.CreateScope();
        Assert.Same(first.ServiceProvider.GetRequiredService<IPolicyEvaluator>(), second.ServiceProvider.GetRequiredService<IPolicyEvaluator>());
        Assert.Same(first.ServiceProvider.GetRequiredService<IAuthorizationService>(), second.ServiceProvider.GetRequiredService<IAuthorizationService>());
        // What makes that safe (Authentication.AuthorizationServicesBuiltOnce): a handler added later must be stateless.
        Assert.All(first.ServiceProvider.GetServices<IAuthorizationHandler>(), h => Assert.IsType<PassThroughAuthorizationHandler>(h));
    }

    [Fact]
    public async Task Writes_beyond_the_per_user_budget_are_429_with_retry_after_and_reads_are_free()
    {
        var user = await factory.SignInAsync();
        for (var i = 0; i < 3; i++) await (await user.Client.PostAsync("/api/_probe/write", null)).AssertStatusAsync(HttpStatusCode.OK);

        var rejected = await user.Client.PostAsync("/api/_probe/write", null);
        await rejected.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(rejected.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After must say when to come back");
        // Windows are aligned to the clock: Retry-After is what is left of this hour, not the whole hour.
        var left = 3600 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 3600;
        Assert.InRange(rejected.Headers.RetryAfter!.Delta!.Value.TotalSeconds, left - 2, left + 1);

        for (var i = 0; i < 10; i++) await (await user.Client.GetAsync("/api/_probe/read")).AssertStatusAsync(HttpStatusCode.NoContent);

        // Another user has a budget of their own.
        var other = await factory.SignInAsync();
        await (await other.Client.PostAsync("/api/_probe/write", null)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-key")]
    [InlineData("garbage")]
    public async Task An_invalid_token_is_a_401_even_on_a_route_open_to_anonymous_callers(string kind)
    {
        var subject = Tokens.NewSubject();
        var token = kind switch
        {
            "expired" => Tokens.Expired(subject),
            "wrong-key" => Tokens.WrongKey(subject),
            _ => "not.a.jwt",
        };
        var response = await factory.ClientWith(token).PostAsync("/api/_probe/anonymous", null);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Anonymous_writes_spend_a_stricter_per_ip_budget()
    {
        var anonymous = factory.CreateClient();
        for (var i = 0; i < 2; i++) await (await anonymous.PostAsync("/api/_probe/anonymous", null)).AssertStatusAsync(HttpStatusCode.OK);
        await (await anonymous.PostAsync("/api/_probe/anonymous", null)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Cors_preflight_from_an_allowed_origin_is_answered()
    {
        var response = await Preflight("https://studio.example.com");
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("https://studio.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task Cors_preflight_from_another_origin_gets_no_allowance()
    {
        var response = await Preflight("https://evil.example.net");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OpenApi_marks_protected_operations_with_the_bearer_scheme()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var me = doc.GetProperty("paths").GetProperty("/api/me").GetProperty("get");
        Assert.True(me.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        // Health probes need no token: an empty requirement list, not the absence that would inherit a default.
        Assert.Equal(0, doc.GetProperty("paths").GetProperty("/health/live").GetProperty("get").GetProperty("security").GetArrayLength());
    }

    private Task<HttpResponseMessage> Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "PATCH");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,if-match");
        return factory.CreateClient().SendAsync(request);
    }
}

/// <summary>A provider that publishes its keys as a bare JWKS document (no OIDC discovery).</summary>
public sealed class JwksIdentityTests(JwksIdentityTests.Factory factory) : IClassFixture<JwksIdentityTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        internal static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        private readonly JwksServer _jwks = new(Key, "provider-key-1");

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Authentication:Schemes:Bearer:ValidIssuer", "privy.io"),
            new("Authentication:Schemes:Bearer:ValidAudiences:0", "assetforge-app-id"),
            new("Authentication:Schemes:Bearer:JwksUrl", _jwks.Url),
            new("Authentication:Schemes:Bearer:RequireHttpsMetadata", "false"),
        ];

        public override async ValueTask DisposeAsync()
        {
            _jwks.Dispose();
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_token_signed_by_a_key_from_the_jwks_url_is_accepted()
    {
        var credentials = new SigningCredentials(new ECDsaSecurityKey(Factory.Key) { KeyId = "provider-key-1" }, SecurityAlgorithms.EcdsaSha256);
        var token = Tokens.Create(Tokens.NewSubject(), issuer: "privy.io", audience: "assetforge-app-id", credentials: credentials);
        await (await factory.ClientWith(token).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_rejected()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentials = new SigningCredentials(new ECDsaSecurityKey(other) { KeyId = "provider-key-1" }, SecurityAlgorithms.EcdsaSha256);
        var token = Tokens.Create(Tokens.NewSubject(), issuer: "privy.io", audience: "assetforge-app-id", credentials: credentials);
        await (await factory.ClientWith(token).GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
