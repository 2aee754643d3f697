using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Tests.Support;

/// <summary>Mints the JWTs tests call the API with: the same shape `dotnet user-jwts` and real providers produce.</summary>
public static class Tokens
{
    public const string Issuer = "assetforge-tests";
    public const string Audience = "assetforge-api";

    /// <summary>The symmetric key the test hosts trust (Authentication:Schemes:Bearer:SigningKeys:0).</summary>
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    public static IEnumerable<KeyValuePair<string, string?>> HostSettings =>
    [
        new("Authentication:Schemes:Bearer:ValidIssuer", Issuer),
        new("Authentication:Schemes:Bearer:ValidAudiences:0", Audience),
        new("Authentication:Schemes:Bearer:SigningKeys:0:Issuer", Issuer),
        new("Authentication:Schemes:Bearer:SigningKeys:0:Value", Convert.ToBase64String(Key)),
    ];

    public static string NewSubject() => $"did:privy:test-{Guid.NewGuid():N}";

    public static string Member(string subject) => Create(subject);

    public static string Admin(string subject) => Create(subject, roles: ["admin"]);

    public static string Expired(string subject) =>
        Create(subject, notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1));

    public static string WrongKey(string subject) => Create(subject, key: Enumerable.Repeat((byte)42, 32).ToArray());

    public static string WrongAudience(string subject) => Create(subject, audience: "some-other-api");

    public static string Create(string subject, string[]? roles = null, DateTime? notBefore = null, DateTime? expires = null,
        byte[]? key = null, string audience = Audience, string issuer = Issuer, SigningCredentials? credentials = null,
        IDictionary<string, object>? claims = null)
    {
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = subject };
        if (roles is { Length: > 0 }) all["role"] = roles.Length == 1 ? roles[0] : roles;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = all,
            NotBefore = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = credentials ?? new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
