using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;

namespace AssetForge.Features.Users;

/// <summary>GET /api/me: who the token says you are (the first call with a new subject creates your user).</summary>
public static class GetCurrentUser
{
    /// <summary>The caller as the API knows them.</summary>
    /// <param name="Id">Your user id (the users row, not the token subject).</param>
    /// <param name="IsAdmin">Whether your token carries the admin role.</param>
    public sealed record Response(Guid Id, bool IsAdmin);

    public static IEndpointRouteBuilder MapCurrentUser(this IEndpointRouteBuilder api)
    {
        api.MapGet("/me", (CurrentUser user) => TypedResults.Ok(new Response(user.Id, user.IsAdmin)))
            .WithTags("Identity")
            .WithName("GetCurrentUser")
            .WithDescription("Who the bearer token is to this API: the users row id (created on the token's first request, " +
                             "keyed by its `sub`) and whether the token carries the admin role. Frontends call it after sign-in.")
            .WithExample(null, """{"id":"019ade60-0a11-7c3d-8f4e-2b6a9c0d1e2f","isAdmin":false}""")
            .WithSummary("The caller's user id and role, provisioning the user on first sight.");
        return api;
    }
}

[JsonSerializable(typeof(GetCurrentUser.Response))]
internal sealed partial class UsersJsonContext : JsonSerializerContext;
