namespace Ferry.Core.Identity;

/// <summary>
/// An API token as stored: only the SHA-256 of its secret is kept, never the secret itself.
/// </summary>
public sealed class ApiToken
{
    /// <summary>Stable identifier, used to list and revoke the token.</summary>
    public Guid Id { get; set; }

    /// <summary>A human name ("ci", "alice-laptop").</summary>
    public required string Name { get; set; }

    /// <summary>What the token may do.</summary>
    public Role Role { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The first characters of the secret, safe to show so a person can tell tokens apart.</summary>
    public required string DisplayPrefix { get; set; }

    /// <summary>The token's primary group: experiments and models it creates belong to this group (null: none).</summary>
    public string? Group { get; set; }

    /// <summary>Who created it (a token name, or "system").</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops working, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>True when the token may authenticate at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
