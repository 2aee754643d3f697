using System.Text.Json.Serialization;
using AssetForge.Infrastructure.Identity;

namespace AssetForge.Features.Users;

/// <summary>GET /api/me: who the token says you are (the first call with a new subject creates your user).</summary>
public static class GetCurrentUser
{
    public sealed record Response(Guid Id, bool IsAdmin);

    public static IEndpointRouteBuilder MapCurrentUser(this IEndpointRouteBuilder api)
    {
        api.MapGet("/me", (CurrentUser user) => TypedResults.Ok(new Response(user.Id, user.IsAdmin)))
            .WithTags("Identity")
            .WithName("GetCurrentUser")
            .WithSummary("The caller's user id and role, provisioning the user on first sight.");
        return api;
    }
}

[JsonSerializable(typeof(GetCurrentUser.Response))]
internal sealed partial class UsersJsonContext : JsonSerializerContext;
