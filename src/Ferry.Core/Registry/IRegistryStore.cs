using Ferry.Core.Tracking;

namespace Ferry.Core.Registry;

/// <summary>
/// Port: the model registry. Every change is audited; unknown names raise <see cref="Errors.NotFoundException"/>,
/// invalid input <see cref="Errors.ValidationException"/>, a taken name <see cref="Errors.AlreadyExistsException"/>, and a
/// change to protected state by a caller below approver <see cref="ProtectedRegistryChangeException"/>.
/// Returned models carry their tags, aliases and non-deleted versions (with tags).
/// </summary>
public interface IRegistryStore
{
    /// <summary>Creates a registered model.</summary>
    Task<RegisteredModel> CreateModelAsync(NewRegisteredModel model, string actor, CancellationToken cancellationToken = default);

    /// <summary>Reads a registered model by name.</summary>
    Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every registered model, by name.</summary>
    Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes a model's description (null leaves it).</summary>
    Task<RegisteredModel> UpdateModelAsync(string name, string? description, string actor, CancellationToken cancellationToken = default);

    /// <summary>Renames a model; its versions and aliases follow.</summary>
    Task<RegisteredModel> RenameModelAsync(string name, string newName, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a model with its versions, tags and aliases.</summary>
    Task DeleteModelAsync(string name, RegistryCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Searches registered models (default order: name ascending).</summary>
    Task<RegistryPage<RegisteredModel>> SearchModelsAsync(RegistrySearch search, CancellationToken cancellationToken = default);

    /// <summary>Sets (upserts) a model tag.</summary>
    Task SetModelTagAsync(string name, string key, string value, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a model tag.</summary>
    Task DeleteModelTagAsync(string name, string key, string actor, CancellationToken cancellationToken = default);

    /// <summary>Points an alias at a version, moving it when it exists.</summary>
    Task SetAliasAsync(string name, string aliasName, int version, RegistryCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Deletes an alias.</summary>
    Task DeleteAliasAsync(string name, string aliasName, RegistryCaller caller, CancellationToken cancellationToken = default);

    /// <summary>The version an alias points at.</summary>
    Task<RegistryVersion> GetVersionByAliasAsync(string name, string aliasName, CancellationToken cancellationToken = default);

    /// <summary>Registers the next version of a model (numbers are never reused).</summary>
    Task<RegistryVersion> CreateVersionAsync(NewModelVersion version, string actor, CancellationToken cancellationToken = default);

    /// <summary>Reads a non-deleted version.</summary>
    Task<RegistryVersion> GetVersionAsync(string name, int version, CancellationToken cancellationToken = default);

    /// <summary>Changes a version's description (null leaves it).</summary>
    Task<RegistryVersion> UpdateVersionAsync(string name, int version, string? description, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a version (its row stays, invisible) and the aliases pointing at it.</summary>
    Task DeleteVersionAsync(string name, int version, RegistryCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Moves a version to a stage, optionally archiving the versions already in it.</summary>
    Task<RegistryVersion> TransitionStageAsync(string name, int version, string stage, bool archiveExisting, RegistryCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Searches non-deleted versions (default order: name ascending, version descending).</summary>
    Task<RegistryPage<RegistryVersion>> SearchVersionsAsync(RegistrySearch search, CancellationToken cancellationToken = default);

    /// <summary>The newest version in each of <paramref name="stages"/> (every stage when empty).</summary>
    Task<IReadOnlyList<RegistryVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken = default);

    /// <summary>Sets (upserts) a version tag.</summary>
    Task SetVersionTagAsync(string name, int version, string key, string value, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a version tag.</summary>
    Task DeleteVersionTagAsync(string name, int version, string key, string actor, CancellationToken cancellationToken = default);

    /// <summary>A run with its params, latest metrics and dataset inputs, or null.</summary>
    Task<Run?> FindRunAsync(string runId, CancellationToken cancellationToken = default);
}
