namespace Ferry.Core.Governance;

/// <summary>
/// The event names a webhook may subscribe to: MLflow 3's (<c>entity.action</c>, as its webhook API has them) and
/// Ferry's own (stage changes and promotion requests), which only Ferry's API offers.
/// </summary>
public static class RegistryWebhookEvents
{
    /// <summary>Keys of <see cref="RegistryEvent.Data"/> with this prefix are tags: they form the payload's <c>tags</c> object.</summary>
    public const string TagPrefix = "tags.";

    /// <summary>A registered model was created.</summary>
    public const string RegisteredModelCreated = "registered_model.created";

    /// <summary>A version was created.</summary>
    public const string ModelVersionCreated = "model_version.created";

    /// <summary>A version tag was set.</summary>
    public const string ModelVersionTagSet = "model_version_tag.set";

    /// <summary>A version tag was deleted.</summary>
    public const string ModelVersionTagDeleted = "model_version_tag.deleted";

    /// <summary>An alias was set.</summary>
    public const string ModelVersionAliasCreated = "model_version_alias.created";

    /// <summary>An alias was removed.</summary>
    public const string ModelVersionAliasDeleted = "model_version_alias.deleted";

    /// <summary>A version changed stage (Ferry's).</summary>
    public const string ModelVersionStageChanged = "model_version.stage_changed";

    /// <summary>The events MLflow 3.11's webhook API accepts (prompts and budgets included, which Ferry never raises).</summary>
    public static readonly IReadOnlySet<string> Mlflow = new HashSet<string>(StringComparer.Ordinal)
    {
        RegisteredModelCreated, ModelVersionCreated, ModelVersionTagSet, ModelVersionTagDeleted,
        ModelVersionAliasCreated, ModelVersionAliasDeleted,
        "prompt.created", "prompt_version.created", "prompt_tag.set", "prompt_tag.deleted",
        "prompt_version_tag.set", "prompt_version_tag.deleted", "prompt_alias.created", "prompt_alias.deleted",
        "budget_policy.exceeded",
    };

    /// <summary>The events only Ferry's API offers.</summary>
    public static readonly IReadOnlySet<string> FerryOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        ModelVersionStageChanged, "promotion.requested", "promotion.approved", "promotion.rejected", "promotion.withdrawn", "promotion.expired",
    };

    /// <summary>Whether Ferry's API accepts <paramref name="eventType"/>: the registry events Ferry raises and its own.</summary>
    public static bool IsFerryEvent(string eventType) =>
        FerryOnly.Contains(eventType) || (Mlflow.Contains(eventType) && !eventType.StartsWith("prompt", StringComparison.Ordinal) && !eventType.StartsWith("budget", StringComparison.Ordinal));
}
