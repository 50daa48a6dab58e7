using System.Text.RegularExpressions;
using Ferry.Core.Identity;

namespace Ferry.Server.Identity;

/// <summary>Where a route names the resource it touches.</summary>
internal enum Locator
{
    /// <summary><c>experiment_id</c> (query on GET, JSON body otherwise); absent means the default experiment.</summary>
    ExperimentId,

    /// <summary><c>experiment_name</c> in the query.</summary>
    ExperimentName,

    /// <summary><c>run_id</c> or <c>run_uuid</c>: the run's experiment.</summary>
    Run,

    /// <summary><c>name</c> (query on GET, JSON body otherwise): a registered model.</summary>
    ModelName,

    /// <summary>The <c>{modelId}</c> route value: a logged model's experiment.</summary>
    LoggedModel,

    /// <summary>The <c>{**path}</c> route value or <c>path</c> query of the artifact proxy: its first segment is the experiment id.</summary>
    ArtifactPath,

    /// <summary>The <c>{name}</c> route value: a registered model on Ferry's own API.</summary>
    RouteModelName,

    /// <summary>Every <c>model</c> a deploy body's routes name.</summary>
    DeployModels,

    /// <summary>The <c>{id}</c> route value: a promotion request's registered model.</summary>
    Promotion,

    /// <summary>The <c>{name}</c> route value: every registered model an endpoint's active policy routes to.</summary>
    EndpointModels,
}

/// <summary>What happens after a route succeeds.</summary>
internal enum AfterSuccess
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>The experiment named in the body was created: record its owner group and its creator's MANAGE.</summary>
    ClaimExperiment,

    /// <summary>The registered model named in the body was created: the same.</summary>
    ClaimModel,

    /// <summary>A registered model was renamed: its grants follow it.</summary>
    RenameModel,
}

/// <summary>Which search answer is filtered down to what the caller may read.</summary>
internal enum SearchFilter
{
    /// <summary><c>experiments[].experiment_id</c>.</summary>
    Experiments,

    /// <summary><c>runs[].info.experiment_id</c>.</summary>
    Runs,

    /// <summary><c>registered_models[].name</c>.</summary>
    RegisteredModels,

    /// <summary><c>model_versions[].name</c>.</summary>
    ModelVersions,

    /// <summary><c>models[].info.experiment_id</c>.</summary>
    LoggedModels,

    /// <summary>Ferry's <c>models[].name</c>.</summary>
    FerryModels,

    /// <summary>Ferry's <c>promotions[].model</c>.</summary>
    Promotions,
}

/// <summary>The permission rule of one route.</summary>
/// <param name="Locator">Where the resource is named (null: no check before the handler).</param>
/// <param name="Level">The permission it needs.</param>
/// <param name="After">What to record after it succeeds.</param>
/// <param name="Filter">Which answer to filter.</param>
internal sealed record RouteRule(Locator? Locator, PermissionLevel Level, AfterSuccess After = AfterSuccess.None, SearchFilter? Filter = null);

/// <summary>
/// The table of routes that touch experiments, runs, artifacts, logged models, registered models and versions, in the
/// manner of MLflow's basic-auth plugin (<c>BEFORE_REQUEST_HANDLERS</c> and <c>AFTER_REQUEST_PATH_HANDLERS</c>): keyed by
/// method and route pattern, MLflow's <c>/api/2.0</c> and <c>/ajax-api/2.0</c> prefixes removed.
/// </summary>
internal static partial class ResourceRules
{
    private const PermissionLevel Read = PermissionLevel.Read;
    private const PermissionLevel Edit = PermissionLevel.Edit;
    private const PermissionLevel Manage = PermissionLevel.Manage;

    private static readonly Dictionary<(string Method, string Route), RouteRule> Rules = new()
    {
        // Experiments.
        [("GET", "/mlflow/experiments/get")] = new(Locator.ExperimentId, Read),
        [("GET", "/mlflow/experiments/get-by-name")] = new(Locator.ExperimentName, Read),
        [("GET", "/mlflow/experiments/search")] = new(null, Read, Filter: SearchFilter.Experiments),
        [("POST", "/mlflow/experiments/search")] = new(null, Read, Filter: SearchFilter.Experiments),
        [("POST", "/mlflow/experiments/create")] = new(null, Edit, AfterSuccess.ClaimExperiment),
        [("POST", "/mlflow/experiments/delete")] = new(Locator.ExperimentId, Manage),
        [("POST", "/mlflow/experiments/restore")] = new(Locator.ExperimentId, Manage),
        [("POST", "/mlflow/experiments/update")] = new(Locator.ExperimentId, Edit),
        [("POST", "/mlflow/experiments/set-experiment-tag")] = new(Locator.ExperimentId, Edit),
        [("POST", "/mlflow/experiments/delete-experiment-tag")] = new(Locator.ExperimentId, Edit),

        // Runs (their experiment's permission).
        [("GET", "/mlflow/runs/get")] = new(Locator.Run, Read),
        [("POST", "/mlflow/runs/search")] = new(null, Read, Filter: SearchFilter.Runs),
        [("GET", "/mlflow/metrics/get-history")] = new(Locator.Run, Read),
        [("POST", "/mlflow/runs/create")] = new(Locator.ExperimentId, Edit),
        [("POST", "/mlflow/runs/update")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/delete")] = new(Locator.Run, Manage),
        [("POST", "/mlflow/runs/restore")] = new(Locator.Run, Manage),
        [("POST", "/mlflow/runs/log-parameter")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/log-metric")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/log-batch")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/set-tag")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/delete-tag")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/log-inputs")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/log-model")] = new(Locator.Run, Edit),
        [("POST", "/mlflow/runs/outputs")] = new(Locator.Run, Edit),
        [("GET", "/mlflow/artifacts/list")] = new(Locator.Run, Read),

        // Logged models (their experiment's permission).
        [("GET", "/mlflow/logged-models/{modelId}")] = new(Locator.LoggedModel, Read),
        [("POST", "/mlflow/logged-models/search")] = new(null, Read, Filter: SearchFilter.LoggedModels),
        [("POST", "/mlflow/logged-models")] = new(Locator.ExperimentId, Edit),
        [("PATCH", "/mlflow/logged-models/{modelId}")] = new(Locator.LoggedModel, Edit),
        [("DELETE", "/mlflow/logged-models/{modelId}")] = new(Locator.LoggedModel, Manage),
        [("POST", "/mlflow/logged-models/{modelId}/params")] = new(Locator.LoggedModel, Edit),
        [("PATCH", "/mlflow/logged-models/{modelId}/tags")] = new(Locator.LoggedModel, Edit),
        [("DELETE", "/mlflow/logged-models/{modelId}/tags/{key}")] = new(Locator.LoggedModel, Edit),

        // Registered models and versions (as MLflow's plugin: alias and version-tag deletes need MANAGE).
        [("POST", "/mlflow/registered-models/create")] = new(null, Edit, AfterSuccess.ClaimModel),
        [("GET", "/mlflow/registered-models/get")] = new(Locator.ModelName, Read),
        [("PATCH", "/mlflow/registered-models/update")] = new(Locator.ModelName, Edit),
        [("POST", "/mlflow/registered-models/rename")] = new(Locator.ModelName, Edit, AfterSuccess.RenameModel),
        [("DELETE", "/mlflow/registered-models/delete")] = new(Locator.ModelName, Manage),
        [("GET", "/mlflow/registered-models/search")] = new(null, Read, Filter: SearchFilter.RegisteredModels),
        [("POST", "/mlflow/registered-models/get-latest-versions")] = new(Locator.ModelName, Read),
        [("GET", "/mlflow/registered-models/get-latest-versions")] = new(Locator.ModelName, Read),
        [("POST", "/mlflow/registered-models/set-tag")] = new(Locator.ModelName, Edit),
        [("DELETE", "/mlflow/registered-models/delete-tag")] = new(Locator.ModelName, Edit),
        [("POST", "/mlflow/registered-models/alias")] = new(Locator.ModelName, Edit),
        [("DELETE", "/mlflow/registered-models/alias")] = new(Locator.ModelName, Manage),
        [("GET", "/mlflow/registered-models/alias")] = new(Locator.ModelName, Read),
        [("POST", "/mlflow/model-versions/create")] = new(Locator.ModelName, Edit),
        [("GET", "/mlflow/model-versions/get")] = new(Locator.ModelName, Read),
        [("PATCH", "/mlflow/model-versions/update")] = new(Locator.ModelName, Edit),
        [("DELETE", "/mlflow/model-versions/delete")] = new(Locator.ModelName, Manage),
        [("POST", "/mlflow/model-versions/transition-stage")] = new(Locator.ModelName, Edit),
        [("GET", "/mlflow/model-versions/search")] = new(null, Read, Filter: SearchFilter.ModelVersions),
        [("GET", "/mlflow/model-versions/get-download-uri")] = new(Locator.ModelName, Read),
        [("POST", "/mlflow/model-versions/set-tag")] = new(Locator.ModelName, Edit),
        [("DELETE", "/mlflow/model-versions/delete-tag")] = new(Locator.ModelName, Manage),

        // The artifact proxy (the path's experiment).
        [("GET", "/mlflow-artifacts/artifacts")] = new(Locator.ArtifactPath, Read),
        [("GET", "/mlflow-artifacts/artifacts/{**path}")] = new(Locator.ArtifactPath, Read),
        [("PUT", "/mlflow-artifacts/artifacts/{**path}")] = new(Locator.ArtifactPath, Edit),
        [("DELETE", "/mlflow-artifacts/artifacts/{**path}")] = new(Locator.ArtifactPath, Manage),

        // Ferry's own routes on registered models and versions.
        [("GET", "/api/v1/models")] = new(null, Read, Filter: SearchFilter.FerryModels),
        [("GET", "/api/v1/models/{name}")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/versions/{version:int}")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/insights")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/fairness")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/card")] = new(Locator.RouteModelName, Read),
        [("PUT", "/api/v1/models/{name}/versions/{version:int}/card")] = new(Locator.RouteModelName, Edit),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/documentation")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/reference")] = new(Locator.RouteModelName, Read),
        [("PUT", "/api/v1/models/{name}/versions/{version:int}/reference")] = new(Locator.RouteModelName, Edit),
        [("GET", "/api/v1/models/{name}/versions/{version:int}/reference/job")] = new(Locator.RouteModelName, Read),

        // Governance: policies, gates, promotion requests and holdout datasets are the model's. Deciding a request needs
        // READ on the model (the policy's approver rule decides the rest); asking for one needs EDIT.
        [("GET", "/api/v1/models/{name}/policy")] = new(Locator.RouteModelName, Read),
        [("PUT", "/api/v1/models/{name}/policy")] = new(Locator.RouteModelName, Manage),
        [("GET", "/api/v1/models/{name}/policy/history")] = new(Locator.RouteModelName, Read),
        [("POST", "/api/v1/models/{name}/versions/{version:int}/gates")] = new(Locator.RouteModelName, Read),
        [("POST", "/api/v1/models/{name}/versions/{version:int}/promotions")] = new(Locator.RouteModelName, Edit),
        [("GET", "/api/v1/models/{name}/promotions")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/datasets")] = new(Locator.RouteModelName, Read),
        [("GET", "/api/v1/models/{name}/datasets/{dataset}")] = new(Locator.RouteModelName, Read),
        [("PUT", "/api/v1/models/{name}/datasets/{dataset}")] = new(Locator.RouteModelName, Edit),
        [("DELETE", "/api/v1/models/{name}/datasets/{dataset}")] = new(Locator.RouteModelName, Manage),
        [("GET", "/api/v1/promotions")] = new(null, Read, Filter: SearchFilter.Promotions),
        [("GET", "/api/v1/promotions/{id:guid}")] = new(Locator.Promotion, Read),
        [("POST", "/api/v1/promotions/{id:guid}/approve")] = new(Locator.Promotion, Read),
        [("POST", "/api/v1/promotions/{id:guid}/reject")] = new(Locator.Promotion, Read),
        [("POST", "/api/v1/promotions/{id:guid}/withdraw")] = new(Locator.Promotion, Edit),
        [("POST", "/mlflow/transition-requests/create")] = new(Locator.ModelName, Edit),
        [("POST", "/mlflow/transition-requests/approve")] = new(Locator.ModelName, Read),
        [("POST", "/mlflow/transition-requests/reject")] = new(Locator.ModelName, Read),
        [("GET", "/mlflow/transition-requests/list")] = new(Locator.ModelName, Read),

        // Serving: deploying needs EDIT on every model the new policy names.
        [("PUT", "/api/v1/endpoints/{name}")] = new(Locator.DeployModels, Edit),

        // Oversight: stopping or restarting an endpoint's models needs EDIT on each of them (and the approver role).
        [("POST", "/api/v1/endpoints/{name}/suspend")] = new(Locator.EndpointModels, Edit),
        [("POST", "/api/v1/endpoints/{name}/resume")] = new(Locator.EndpointModels, Edit),

        // Challenger evaluation by hand: scoring the endpoint's versions on its log needs READ on each of them.
        [("POST", "/api/v1/endpoints/{name}/evaluations")] = new(Locator.EndpointModels, Read),
        // Canary ramps: starting one by hand needs EDIT on the endpoint's models (the challenger must be one of them).
        [("POST", "/api/v1/endpoints/{name}/rollouts")] = new(Locator.EndpointModels, Edit),
    };

    /// <summary>The rule of a route, or null when it touches no resource that carries grants.</summary>
    public static RouteRule? Find(string method, string? pattern) =>
        pattern is null ? null : Rules.GetValueOrDefault((method, Key(pattern)));

    /// <summary>The table's key for a route pattern: MLflow's version prefixes and a trailing slash removed.</summary>
    public static string Key(string pattern)
    {
        var key = MlflowPrefix().Replace(pattern, string.Empty);
        return key.Length > 1 && key.EndsWith('/') ? key[..^1] : key;
    }

    /// <summary>Every route the table names (for tests that compare it with the route table).</summary>
    public static IEnumerable<(string Method, string Route)> All => Rules.Keys;

    [GeneratedRegex(@"^/(?:ajax-)?api/[23]\.0(?=/mlflow)")]
    private static partial Regex MlflowPrefix();
}
