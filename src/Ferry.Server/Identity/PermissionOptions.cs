using Ferry.Core.Identity;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>Per-resource permissions; bound from <c>Ferry:Permissions</c>.</summary>
public sealed class PermissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Permissions";

    /// <summary>
    /// What a token outside a resource's owner group holds on it without a grant (default <c>None</c>: team B sees
    /// nothing of team A's). <c>Read</c> lets everyone read every team's resources. The token's role still caps it.
    /// </summary>
    public PermissionLevel DefaultPermission { get; set; } = PermissionLevel.None;
}

/// <summary>Checks <see cref="PermissionOptions"/> at start-up.</summary>
internal sealed class PermissionOptionsValidator : IValidateOptions<PermissionOptions>
{
    public ValidateOptionsResult Validate(string? name, PermissionOptions options) =>
        options.DefaultPermission is PermissionLevel.None or PermissionLevel.Read or PermissionLevel.Edit
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PermissionOptions.Section}:{nameof(options.DefaultPermission)} must be none, read or edit, not '{options.DefaultPermission}'");
}
