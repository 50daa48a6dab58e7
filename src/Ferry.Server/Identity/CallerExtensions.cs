using System.Security.Claims;

namespace Ferry.Server.Identity;

/// <summary>Who is calling, as recorded in the audit trail.</summary>
public static class CallerExtensions
{
    /// <summary>The actor name of an authenticated caller (the token's name).</summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user?.Identity?.Name ?? throw new InvalidOperationException("The route was reached without an authenticated caller.");
}
