namespace Ferry.Server.Dashboard;

/// <summary>Every dashboard address, built in one place (names are escaped as path segments).</summary>
public static class DashboardLinks
{
    /// <summary>The models overview.</summary>
    public const string Home = "/ui";

    /// <summary>The sign-in form.</summary>
    public const string SignIn = "/ui/signin";

    /// <summary>Signs out (POST).</summary>
    public const string SignOut = "/ui/signout";

    /// <summary>The stylesheet.</summary>
    public const string Stylesheet = "/ui/assets/ferry.css";

    /// <summary>The audit log.</summary>
    public const string Audit = "/ui/audit";

    /// <summary>The approvals inbox.</summary>
    public const string Approvals = "/ui/approvals";

    /// <summary>Alerts, optionally filtered by status.</summary>
    public static string Alerts(string? status = null) => status is null ? "/ui/alerts" : $"/ui/alerts?status={Uri.EscapeDataString(status)}";

    /// <summary>A registered model.</summary>
    public static string Model(string name) => $"/ui/models/{E(name)}";

    /// <summary>A version's model card.</summary>
    public static string Card(string name, int version) => $"/ui/models/{E(name)}/versions/{version}/card";

    /// <summary>An endpoint's overview.</summary>
    public static string Endpoint(string name) => $"/ui/endpoints/{E(name)}";

    /// <summary>An endpoint's drift page.</summary>
    public static string Drift(string name) => $"/ui/endpoints/{E(name)}/drift";

    /// <summary>An endpoint's performance page.</summary>
    public static string Performance(string name) => $"/ui/endpoints/{E(name)}/performance";

    /// <summary>An endpoint's recent decisions.</summary>
    public static string Predictions(string name) => $"/ui/endpoints/{E(name)}/predictions";

    /// <summary>One prediction's explanation.</summary>
    public static string Prediction(string name, Guid id) => $"/ui/endpoints/{E(name)}/predictions/{id}";

    /// <summary>One prediction's decision notice (a standalone, printable page).</summary>
    public static string Notice(string name, Guid id) => $"/ui/endpoints/{E(name)}/predictions/{id}/notice";

    /// <summary>A version's technical documentation (Annex IV).</summary>
    public static string Documentation(string name, int version) => $"/ui/models/{E(name)}/versions/{version}/documentation";

    /// <summary>An endpoint's review queue and override rate.</summary>
    public static string Reviews(string name) => $"/ui/endpoints/{E(name)}/reviews";

    /// <summary>One promotion request.</summary>
    public static string Promotion(Guid id) => $"/ui/promotions/{id}";

    /// <summary>Every pipeline with its last run.</summary>
    public const string Pipelines = "/ui/pipelines";

    /// <summary>An endpoint's closed loop: triggers, pipeline runs, challenger against champion, the ramp.</summary>
    public static string Loop(string endpoint) => $"/ui/endpoints/{E(endpoint)}/loop";

    /// <summary>One pipeline run with its logs.</summary>
    public static string PipelineRun(string pipeline, int number) => $"/ui/pipelines/{E(pipeline)}/runs/{number}";

    /// <summary>A pipeline run's whole log (<c>stdout</c> or <c>stderr</c>).</summary>
    public static string PipelineRunLog(string pipeline, int number, string stream) => $"/ui/pipelines/{E(pipeline)}/runs/{number}/logs/{E(stream)}";

    /// <summary>One challenger evaluation.</summary>
    public static string Evaluation(Guid id) => $"/ui/evaluations/{id}";

    /// <summary>A dataset's training file (Parquet).</summary>
    public static string DatasetFile(string name) => $"/ui/datasets/{E(name)}/file";

    /// <summary>Every tracking experiment, optionally filtered by a name fragment.</summary>
    public const string Experiments = "/ui/experiments";

    /// <summary>An experiment's runs.</summary>
    public static string Experiment(long id) => $"/ui/experiments/{id}";

    /// <summary>Runs of an experiment side by side.</summary>
    public static string Compare(long experimentId, IEnumerable<string> runIds) => $"/ui/experiments/{experimentId}/compare?runs={E(string.Join(',', runIds))}";

    /// <summary>One tracking run.</summary>
    public static string Run(string runId) => $"/ui/runs/{E(runId)}";

    /// <summary>A run's artifact directory or file preview (<c>""</c> for the root).</summary>
    public static string RunArtifact(string runId, string path) => path.Length == 0 ? $"/ui/runs/{E(runId)}/artifacts" : $"/ui/runs/{E(runId)}/artifacts?path={E(path)}";

    /// <summary>A run's artifact file itself (images inline, everything else as a download).</summary>
    public static string RunArtifactFile(string runId, string path) => $"/ui/runs/{E(runId)}/artifacts/file?path={E(path)}";

    private static string E(string segment) => Uri.EscapeDataString(segment);
}
