namespace Ferry.Core.Identity;

/// <summary>
/// A token's role. Roles are ordered: each one may do everything the roles below it may do
/// (viewer &lt; scientist &lt; approver &lt; admin).
/// </summary>
public enum Role
{
    /// <summary>Reads everything, changes nothing.</summary>
    Viewer = 1,

    /// <summary>Logs experiments and runs, registers model versions.</summary>
    Scientist = 2,

    /// <summary>Approves promotions; moves protected aliases and stages; reads the audit trail.</summary>
    Approver = 3,

    /// <summary>Manages tokens and everything else.</summary>
    Admin = 4,
}

/// <summary>Parsing and comparison helpers for <see cref="Role"/>.</summary>
public static class Roles
{
    /// <summary>Every role, lowest first.</summary>
    public static IReadOnlyList<Role> All { get; } = [Role.Viewer, Role.Scientist, Role.Approver, Role.Admin];

    /// <summary>True when <paramref name="held"/> is at least <paramref name="required"/>.</summary>
    public static bool Satisfies(this Role held, Role required) => held >= required;

    /// <summary>The lower-case wire name of a role ("viewer", "scientist", "approver", "admin").</summary>
    public static string ToWireName(this Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Scientist => "scientist",
        Role.Approver => "approver",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    /// <summary>Parses a wire name, case-insensitively; false for anything else (numbers included).</summary>
    public static bool TryParse(string? text, out Role role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWireName(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}
