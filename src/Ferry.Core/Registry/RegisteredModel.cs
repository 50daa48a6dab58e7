namespace Ferry.Core.Registry;

/// <summary>A named model in the registry, with its versions, tags and aliases. Times are epoch ms.</summary>
public sealed class RegisteredModel
{
    /// <summary>Surrogate key (names can be renamed).</summary>
    public Guid Id { get; set; }

    /// <summary>Unique name.</summary>
    public required string Name { get; set; }

    /// <summary>Free text.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Who created it (the token name).</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Creation time, epoch ms.</summary>
    public long CreationTimestamp { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdatedTimestamp { get; set; }

    /// <summary>Tags.</summary>
    public List<RegisteredModelTag> Tags { get; set; } = [];

    /// <summary>Aliases (e.g. <c>champion</c>) pointing at versions.</summary>
    public List<ModelAlias> Aliases { get; set; } = [];

    /// <summary>Versions, deleted ones included (version numbers are never reused).</summary>
    public List<ModelVersion> Versions { get; set; } = [];
}

/// <summary>A tag on a registered model.</summary>
public sealed class RegisteredModelTag
{
    /// <summary>The model.</summary>
    public Guid ModelId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value.</summary>
    public required string Value { get; set; }
}

/// <summary>A named pointer from a model to one of its versions.</summary>
public sealed class ModelAlias
{
    /// <summary>The model.</summary>
    public Guid ModelId { get; set; }

    /// <summary>Alias name, e.g. "champion".</summary>
    public required string Alias { get; set; }

    /// <summary>The version number it points at.</summary>
    public int Version { get; set; }
}

/// <summary>Legacy stages of a model version; input is matched case-insensitively.</summary>
public static class ModelStage
{
    /// <summary>No stage.</summary>
    public const string None = "None";

    /// <summary>Staging.</summary>
    public const string Staging = "Staging";

    /// <summary>Production (protected: approver or above).</summary>
    public const string Production = "Production";

    /// <summary>Archived.</summary>
    public const string Archived = "Archived";

    /// <summary>All stages, canonical capitalisation.</summary>
    public static IReadOnlyList<string> All { get; } = [None, Staging, Production, Archived];

    /// <summary>The canonical stage for any capitalisation, or null.</summary>
    public static string? Canonical(string? stage) =>
        All.FirstOrDefault(s => string.Equals(s, stage?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Aliases that only an approver (or admin) may move or delete.</summary>
public static class ProtectedAliases
{
    /// <summary>The production alias.</summary>
    public const string Champion = "champion";

    /// <summary>True when moving <paramref name="alias"/> needs an approver.</summary>
    public static bool IsProtected(string alias) => string.Equals(alias, Champion, StringComparison.OrdinalIgnoreCase);
}
