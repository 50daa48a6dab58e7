namespace Ferry.Core.Tracking.Search;

/// <summary>
/// What a search over one kind of entity accepts: identifier prefixes, attributes (string or numeric) and their
/// aliases, and which attributes may be sorted on. <see cref="Runs"/> and <see cref="Experiments"/> follow MLflow.
/// </summary>
public sealed class SearchGrammar
{
    private static readonly Dictionary<string, SearchEntityType> RunPrefixes = new(StringComparer.Ordinal)
    {
        ["metrics"] = SearchEntityType.Metric,
        ["metric"] = SearchEntityType.Metric,
        ["params"] = SearchEntityType.Param,
        ["param"] = SearchEntityType.Param,
        ["parameter"] = SearchEntityType.Param,
        ["parameters"] = SearchEntityType.Param,
        ["tags"] = SearchEntityType.Tag,
        ["tag"] = SearchEntityType.Tag,
        ["attributes"] = SearchEntityType.Attribute,
        ["attribute"] = SearchEntityType.Attribute,
        ["attr"] = SearchEntityType.Attribute,
        ["run"] = SearchEntityType.Attribute,
        ["datasets"] = SearchEntityType.Dataset,
        ["dataset"] = SearchEntityType.Dataset,
    };

    private static readonly Dictionary<string, SearchEntityType> ExperimentPrefixes = new(StringComparer.Ordinal)
    {
        ["tags"] = SearchEntityType.Tag,
        ["tag"] = SearchEntityType.Tag,
        ["attributes"] = SearchEntityType.Attribute,
        ["attribute"] = SearchEntityType.Attribute,
        ["attr"] = SearchEntityType.Attribute,
    };

    private static readonly Dictionary<string, SearchEntityType> LoggedModelPrefixes = new(StringComparer.Ordinal)
    {
        ["metrics"] = SearchEntityType.Metric,
        ["metric"] = SearchEntityType.Metric,
        ["params"] = SearchEntityType.Param,
        ["param"] = SearchEntityType.Param,
        ["tags"] = SearchEntityType.Tag,
        ["tag"] = SearchEntityType.Tag,
        ["attributes"] = SearchEntityType.Attribute,
        ["attribute"] = SearchEntityType.Attribute,
        ["attr"] = SearchEntityType.Attribute,
    };

    private readonly IReadOnlyDictionary<string, SearchEntityType> _prefixes;
    private readonly IReadOnlyDictionary<string, string> _aliases;

    private SearchGrammar(
        string entity,
        IReadOnlyDictionary<string, SearchEntityType> prefixes,
        IReadOnlyDictionary<string, string> aliases,
        IReadOnlySet<string> stringAttributes,
        IReadOnlySet<string> numericAttributes,
        IReadOnlySet<string> sortOnlyAttributes)
    {
        Entity = entity;
        _prefixes = prefixes;
        _aliases = aliases;
        StringAttributes = stringAttributes;
        NumericAttributes = numericAttributes;
        SortOnlyAttributes = sortOnlyAttributes;
    }

    /// <summary>Run search (MLflow <c>runs/search</c>).</summary>
    public static SearchGrammar Runs { get; } = new(
        "run",
        RunPrefixes,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["created"] = RunAttributes.StartTime,
            ["Created"] = RunAttributes.StartTime,
            ["run name"] = RunAttributes.RunName,
            ["Run name"] = RunAttributes.RunName,
            ["Run Name"] = RunAttributes.RunName,
        },
        new HashSet<string>(StringComparer.Ordinal) { RunAttributes.RunId, RunAttributes.RunName, RunAttributes.Status, RunAttributes.UserId, RunAttributes.ArtifactUri },
        new HashSet<string>(StringComparer.Ordinal) { RunAttributes.StartTime, RunAttributes.EndTime },
        new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Experiment search (MLflow <c>experiments/search</c>).</summary>
    public static SearchGrammar Experiments { get; } = new(
        "experiment",
        ExperimentPrefixes,
        new Dictionary<string, string>(StringComparer.Ordinal),
        new HashSet<string>(StringComparer.Ordinal) { ExperimentAttributes.Name },
        new HashSet<string>(StringComparer.Ordinal) { ExperimentAttributes.CreationTime, ExperimentAttributes.LastUpdateTime },
        new HashSet<string>(StringComparer.Ordinal) { ExperimentAttributes.ExperimentId });

    /// <summary>Logged-model search (MLflow <c>logged-models/search</c>).</summary>
    public static SearchGrammar LoggedModels { get; } = new(
        "logged model",
        LoggedModelPrefixes,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["creation_time"] = LoggedModelAttributes.CreationTimestamp,
            ["last_updated_time"] = LoggedModelAttributes.LastUpdatedTimestamp,
        },
        new HashSet<string>(StringComparer.Ordinal)
        {
            LoggedModelAttributes.Name, LoggedModelAttributes.ModelId, LoggedModelAttributes.ModelType, LoggedModelAttributes.Status, LoggedModelAttributes.SourceRunId,
        },
        new HashSet<string>(StringComparer.Ordinal) { LoggedModelAttributes.CreationTimestamp, LoggedModelAttributes.LastUpdatedTimestamp },
        new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The entity searched, for messages.</summary>
    public string Entity { get; }

    /// <summary>Attributes compared as strings.</summary>
    public IReadOnlySet<string> StringAttributes { get; }

    /// <summary>Attributes compared as numbers.</summary>
    public IReadOnlySet<string> NumericAttributes { get; }

    /// <summary>Attributes that may be sorted on but not filtered.</summary>
    public IReadOnlySet<string> SortOnlyAttributes { get; }

    /// <summary>The entity type named by a prefix, or null when the prefix is not one of this grammar's.</summary>
    public SearchEntityType? TypeOfPrefix(string prefix) => _prefixes.TryGetValue(prefix, out var type) ? type : null;

    /// <summary>The canonical attribute name for <paramref name="name"/> (aliases resolved), or null when unknown.</summary>
    public string? CanonicalAttribute(string name, bool forSorting)
    {
        var canonical = _aliases.TryGetValue(name, out var alias) ? alias : name;
        return StringAttributes.Contains(canonical) || NumericAttributes.Contains(canonical) || (forSorting && SortOnlyAttributes.Contains(canonical))
            ? canonical
            : null;
    }
}

/// <summary>Canonical run attribute names in search expressions.</summary>
public static class RunAttributes
{
    /// <summary>The run id.</summary>
    public const string RunId = "run_id";

    /// <summary>The run name.</summary>
    public const string RunName = "run_name";

    /// <summary>The status.</summary>
    public const string Status = "status";

    /// <summary>The user.</summary>
    public const string UserId = "user_id";

    /// <summary>The artifact URI.</summary>
    public const string ArtifactUri = "artifact_uri";

    /// <summary>Start time (epoch ms).</summary>
    public const string StartTime = "start_time";

    /// <summary>End time (epoch ms).</summary>
    public const string EndTime = "end_time";
}

/// <summary>Canonical experiment attribute names in search expressions.</summary>
public static class ExperimentAttributes
{
    /// <summary>The name.</summary>
    public const string Name = "name";

    /// <summary>The id (sorting only).</summary>
    public const string ExperimentId = "experiment_id";

    /// <summary>Creation time (epoch ms).</summary>
    public const string CreationTime = "creation_time";

    /// <summary>Last update time (epoch ms).</summary>
    public const string LastUpdateTime = "last_update_time";
}

/// <summary>Canonical logged-model attribute names in search expressions.</summary>
public static class LoggedModelAttributes
{
    /// <summary>The name.</summary>
    public const string Name = "name";

    /// <summary>The id.</summary>
    public const string ModelId = "model_id";

    /// <summary>The model type.</summary>
    public const string ModelType = "model_type";

    /// <summary>The status.</summary>
    public const string Status = "status";

    /// <summary>The source run.</summary>
    public const string SourceRunId = "source_run_id";

    /// <summary>Creation time (epoch ms).</summary>
    public const string CreationTimestamp = "creation_timestamp";

    /// <summary>Last update time (epoch ms).</summary>
    public const string LastUpdatedTimestamp = "last_updated_timestamp";
}
