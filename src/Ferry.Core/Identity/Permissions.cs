namespace Ferry.Core.Identity;

/// <summary>What a principal may do with one experiment or registered model; levels are ordered.</summary>
public enum PermissionLevel
{
    /// <summary>Nothing: the resource is neither read nor changed.</summary>
    None = 0,

    /// <summary>Read the resource, its runs, artifacts and versions.</summary>
    Read = 1,

    /// <summary>Read and change it (log runs, register versions, set tags and aliases).</summary>
    Edit = 2,

    /// <summary>Edit, delete and grant permissions on it.</summary>
    Manage = 3,
}

/// <summary>The kinds of resource that carry grants.</summary>
public enum ResourceKind
{
    /// <summary>A tracking experiment (its runs, artifacts and logged models inherit its grants); keyed by its id.</summary>
    Experiment = 1,

    /// <summary>A registered model (its versions inherit its grants); keyed by its name.</summary>
    RegisteredModel = 2,
}

/// <summary>Who a grant is given to.</summary>
public enum PrincipalKind
{
    /// <summary>A token, by name (the actor Ferry records).</summary>
    User = 1,

    /// <summary>A group, by name.</summary>
    Group = 2,
}

/// <summary>Wire names and parsing of <see cref="PermissionLevel"/>, <see cref="ResourceKind"/> and <see cref="PrincipalKind"/>.</summary>
public static class PermissionNames
{
    /// <summary>"NONE", "READ", "EDIT" or "MANAGE" (MLflow's spelling).</summary>
    public static string ToWireName(this PermissionLevel level) => level switch
    {
        PermissionLevel.None => "NONE",
        PermissionLevel.Read => "READ",
        PermissionLevel.Edit => "EDIT",
        PermissionLevel.Manage => "MANAGE",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown permission."),
    };

    /// <summary>"experiment" or "registered-model".</summary>
    public static string ToWireName(this ResourceKind kind) => kind switch
    {
        ResourceKind.Experiment => "experiment",
        ResourceKind.RegisteredModel => "registered-model",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown resource kind."),
    };

    /// <summary>"user" or "group".</summary>
    public static string ToWireName(this PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "user",
        PrincipalKind.Group => "group",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown principal kind."),
    };

    /// <summary>Parses a permission name, case-insensitively.</summary>
    public static bool TryParse(string? text, out PermissionLevel level) => TryParseOf(text, [PermissionLevel.None, PermissionLevel.Read, PermissionLevel.Edit, PermissionLevel.Manage], ToWireName, out level);

    /// <summary>Parses a resource kind ("experiment", "registered-model"; "model" is accepted too).</summary>
    public static bool TryParse(string? text, out ResourceKind kind) =>
        string.Equals(text?.Trim(), "model", StringComparison.OrdinalIgnoreCase)
            ? Set(ResourceKind.RegisteredModel, out kind)
            : TryParseOf(text, [ResourceKind.Experiment, ResourceKind.RegisteredModel], ToWireName, out kind);

    /// <summary>Parses a principal kind ("user", "group").</summary>
    public static bool TryParse(string? text, out PrincipalKind kind) => TryParseOf(text, [PrincipalKind.User, PrincipalKind.Group], ToWireName, out kind);

    private static bool Set<T>(T value, out T result)
    {
        result = value;
        return true;
    }

    private static bool TryParseOf<T>(string? text, T[] values, Func<T, string> name, out T result)
    {
        foreach (var value in values)
        {
            if (string.Equals(name(value), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                result = value;
                return true;
            }
        }

        result = default!;
        return false;
    }
}
