using System.Globalization;
using Ferry.Core.Registry;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>Turns registry entities into MLflow's messages.</summary>
public static class RegistryMapping
{
    /// <summary>A version as MLflow's ModelVersion.</summary>
    public static MlflowModelVersion ToMessage(RegistryVersion view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var v = view.Version;
        return new MlflowModelVersion
        {
            Name = view.ModelName,
            Version = v.Version.ToString(CultureInfo.InvariantCulture),
            CreationTimestamp = v.CreationTimestamp,
            LastUpdatedTimestamp = v.LastUpdatedTimestamp,
            UserId = v.UserId,
            CurrentStage = ModelStage.Canonical(v.CurrentStage) ?? ModelStage.None,
            Description = v.Description,
            Source = v.Source,
            RunId = v.RunId,
            StatusMessage = v.StatusMessage,
            Tags = [.. v.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new MlflowTag { Key = t.Key, Value = t.Value })],
            RunLink = v.RunLink,
            Aliases = view.Aliases,
            ModelId = v.MlflowModelId,
        };
    }

    /// <summary>A model as MLflow's RegisteredModel, with the newest version per stage.</summary>
    public static MlflowRegisteredModel ToMessage(RegisteredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var latest = model.Versions.Where(v => !v.IsDeleted)
            .GroupBy(v => v.CurrentStage)
            .Select(g => g.MaxBy(v => v.Version)!)
            .OrderBy(v => v.Version)
            .Select(v => ToMessage(new RegistryVersion(model.Name, v, [.. model.Aliases.Where(a => a.Version == v.Version).Select(a => a.Alias).Order(StringComparer.Ordinal)])));
        return new MlflowRegisteredModel
        {
            Name = model.Name,
            CreationTimestamp = model.CreationTimestamp,
            LastUpdatedTimestamp = model.LastUpdatedTimestamp,
            UserId = model.UserId,
            Description = model.Description,
            LatestVersions = [.. latest],
            Tags = [.. model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new MlflowTag { Key = t.Key, Value = t.Value })],
            Aliases = [.. model.Aliases.OrderBy(a => a.Alias, StringComparer.Ordinal).Select(a => new MlflowAlias(a.Alias, a.Version.ToString(CultureInfo.InvariantCulture)))],
        };
    }
}
