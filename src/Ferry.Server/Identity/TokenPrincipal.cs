using System.Security.Claims;
using Ferry.Core.Identity;

namespace Ferry.Server.Identity;

/// <summary>The principal of an authenticated token: its id, name (the audit trail's actor), role and primary group.</summary>
public static class TokenPrincipal
{
    /// <summary>The principal for <paramref name="token"/> under <paramref name="scheme"/>.</summary>
    public static ClaimsPrincipal Create(ApiToken token, string scheme)
    {
        ArgumentNullException.ThrowIfNull(token);
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, token.Id.ToString()),
            new(ClaimTypes.Name, token.Name),
            new(ClaimTypes.Role, token.Role.ToWireName()),
        ];
        if (!string.IsNullOrEmpty(token.Group))
        {
            claims.Add(new(ResourcePermissions.GroupClaim, token.Group));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
