using System.Security.Claims;

namespace AssetForge.Infrastructure.Identity;

/// <summary>
/// Who is calling: the users row the token's subject resolves to, and whether they administer everything.
/// Handlers take it as a parameter; slices never read claims themselves. On routes that allow anonymous
/// callers, declare it nullable (<c>CurrentUser? user</c>).
/// </summary>
public sealed record CurrentUser(Guid Id, bool IsAdmin)
{
    internal const string IdClaim = "assetforge:user_id";
    internal const string AdminClaim = "assetforge:admin";

    /// <summary>Minimal API binding from the claims that authentication attached.</summary>
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    public static CurrentUser? From(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(IdClaim), out var id)
            ? new CurrentUser(id, principal.HasClaim(AdminClaim, "true"))
            : null;

    /// <summary>The user whose data a request may touch: members only their own, admins anyone's.</summary>
    public bool MayAccess(Guid ownerId) => IsAdmin || ownerId == Id;
}
