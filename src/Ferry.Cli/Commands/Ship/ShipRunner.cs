using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Ferry.Client;
using Ferry.Client.Artifacts;
using Ferry.Client.Registry;
using Ferry.Client.Serving;
using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;

namespace Ferry.Cli.Commands.Ship;

/// <summary>What <c>ferry ship</c> was asked to do.</summary>
/// <param name="Source">The model.</param>
/// <param name="Name">The registered model's name.</param>
/// <param name="Endpoint">The endpoint to serve it.</param>
/// <param name="Reference">The training rows.</param>
/// <param name="Canary">Put the version beside the current one instead of switching all traffic.</param>
/// <param name="CanaryShare">The canary's share in percent.</param>
/// <param name="Tier">The model's promotion tier to set before deploying (admin), or null to leave its policy alone.</param>
internal sealed record ShipPlan(ShipSource Source, string Name, string Endpoint, ReferenceRows Reference, bool Canary, int CanaryShare, string? Tier = null);

/// <summary>
/// <c>ferry ship</c>'s steps, each through <see cref="FerryClient"/> and each idempotent: register (reusing the latest
/// version when its content has the same SHA-256), compute the reference (unless the version's reference came from the
/// same file and label), deploy (create the endpoint, switch it, or add a canary), create the default monitors when
/// absent, and check one explained prediction.
/// </summary>
internal sealed class ShipRunner(FerryClient ferry, ShipPlan plan, IShipProgress progress)
{
    /// <summary>The version tag holding the SHA-256 of what <c>ferry ship</c> registered.</summary>
    public const string ShaTag = "ferry.ship.sha256";

    /// <summary>The drift and data-quality monitor's name, after the endpoint.</summary>
    public static string DriftMonitor(string endpoint) => endpoint + "-drift";

    /// <summary>The performance monitor's name, after the endpoint.</summary>
    public static string PerformanceMonitor(string endpoint) => endpoint + "-performance";

    /// <summary>Hourly, on the hour (Quartz cron, seconds first).</summary>
    public const string DriftSchedule = "0 0 * * * ?";

    /// <summary>Daily at 00:30 (labels arrive late; a week's window).</summary>
    public const string PerformanceSchedule = "0 30 0 * * ?";

    private readonly List<ShipStepResult> _steps = [];

    // The first reference row as a record (features only): the check step explains it and the sample curl sends it.
    private IReadOnlyDictionary<string, object?> _first = new Dictionary<string, object?>();

    public async Task<ShipReport> RunAsync(CancellationToken cancellationToken)
    {
        var version = await RegisterAsync(cancellationToken);
        var reference = await ReferenceAsync(version, cancellationToken);
        await DeployAsync(version, cancellationToken);
        var monitors = await MonitorsAsync(reference, cancellationToken);
        await CheckAsync(cancellationToken);

        var server = ferry.BaseAddress;
        var endpoint = Uri.EscapeDataString(plan.Endpoint);
        var links = new ShipLinks(
            new Uri(server, $"/api/v1/endpoints/{endpoint}/predict").AbsoluteUri,
            new Uri(server, $"/api/v1/endpoints/{endpoint}/explain").AbsoluteUri,
            new Uri(server, $"/ui/endpoints/{endpoint}").AbsoluteUri,
            new Uri(server, $"/ui/endpoints/{endpoint}/predictions").AbsoluteUri);
        return new ShipReport(plan.Name, version, plan.Endpoint, _steps.Any(s => ShipSteps.Changes(s.Outcome)), _steps, monitors, links,
            ShipOutput.Curl(links.Predict + "?explain=true", _first));
    }

    private void Done(string step, string outcome, string detail)
    {
        var result = new ShipStepResult(step, outcome, detail);
        _steps.Add(result);
        progress.Done(result);
    }

    private async Task<int> RegisterAsync(CancellationToken cancellationToken)
    {
        progress.Report(ShipSteps.Register, 0, $"Registering {plan.Source.Display} as {plan.Name}");
        switch (plan.Source)
        {
            case ShipSource.RegisteredModel registered:
                {
                    var existing = await ferry.Registry.GetModelVersionAsync(registered.Name, registered.Version.ToString(CultureInfo.InvariantCulture), cancellationToken);
                    if (registered.Name == plan.Name)
                    {
                        Done(ShipSteps.Register, ShipSteps.Unchanged, $"uses {plan.Name} v{registered.Version} as registered");
                        return registered.Version;
                    }

                    var source = existing.Source ?? throw new CliException(ExitCodes.InvalidArguments, $"{registered.Display} has no source to register again");
                    if (await LatestAsync(cancellationToken) is { } same && same.Source == source)
                    {
                        return Reused(same, $"has the same source as {registered.Display}");
                    }

                    return await CreateVersionAsync(source, existing.RunId, null, $"from {registered.Display}", cancellationToken);
                }

            case ShipSource.RunModel run:
                {
                    if (await LatestAsync(cancellationToken) is { } same && same.RunId == run.RunId && (same.Source ?? string.Empty).TrimEnd('/').EndsWith("/" + run.Path, StringComparison.Ordinal))
                    {
                        return Reused(same, $"was registered from {run.Display}");
                    }

                    var created = await ferry.Registry.RegisterModelAsync(run.RunId, run.Path, plan.Name, cancellationToken);
                    var number = int.Parse(created.Version, CultureInfo.InvariantCulture);
                    Done(ShipSteps.Register, ShipSteps.Created, $"{plan.Name} v{number} from {run.Display}");
                    return number;
                }

            case ShipSource.LocalFile file:
                {
                    if (await LatestAsync(cancellationToken) is { } same && await SameContentAsync(same, file.Sha, cancellationToken))
                    {
                        return Reused(same, $"has the same content (SHA-256 {file.Sha[..12]}…)");
                    }

                    var directory = ArtifactUris.Combine("models", plan.Name, Guid.NewGuid().ToString("N"));
                    progress.Report(ShipSteps.Register, 0.2, $"Uploading {file.File.Name}");
                    var source = await ferry.Artifacts.UploadFileAsync(ArtifactUris.Combine(directory, file.File.Name), file.File.FullName, cancellationToken: cancellationToken);
                    return await CreateVersionAsync(source, null, file.Sha, $"from {file.File.Name} (SHA-256 {file.Sha[..12]}…)", cancellationToken);
                }

            case ShipSource.LocalDirectory folder:
                {
                    if (await LatestAsync(cancellationToken) is { } same && Tag(same, ShaTag) == folder.Sha)
                    {
                        return Reused(same, $"has the same files (SHA-256 {folder.Sha[..12]}…)");
                    }

                    var directory = ArtifactUris.Combine("models", plan.Name, Guid.NewGuid().ToString("N"), folder.Directory.Name);
                    for (var i = 0; i < folder.Files.Count; i++)
                    {
                        var (relative, local) = folder.Files[i];
                        progress.Report(ShipSteps.Register, (double)i / folder.Files.Count, $"Uploading {relative}");
                        await ferry.Artifacts.UploadFileAsync(ArtifactUris.Combine(directory, relative), local.FullName, cancellationToken: cancellationToken);
                    }

                    return await CreateVersionAsync(ArtifactUris.ToUri(directory), null, folder.Sha, $"from the MLflow model {folder.Display} ({folder.Files.Count} files)", cancellationToken);
                }

            default:
                throw new InvalidOperationException($"unknown model source {plan.Source}");
        }
    }

    private int Reused(ModelVersion version, string why)
    {
        var number = int.Parse(version.Version, CultureInfo.InvariantCulture);
        Done(ShipSteps.Register, ShipSteps.Unchanged, $"{plan.Name} v{number} {why}; reused");
        return number;
    }

    private async Task<int> CreateVersionAsync(string source, string? runId, string? sha, string what, CancellationToken cancellationToken)
    {
        await ferry.Registry.CreateRegisteredModelAsync(plan.Name, cancellationToken: cancellationToken);
        var tags = sha is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [ShaTag] = sha };
        var created = await ferry.Registry.CreateModelVersionAsync(plan.Name, source, runId, tags: tags, cancellationToken: cancellationToken);
        var number = int.Parse(created.Version, CultureInfo.InvariantCulture);
        Done(ShipSteps.Register, ShipSteps.Created, $"{plan.Name} v{number} {what}");
        return number;
    }

    /// <summary>The model's newest version, or null when the model or its versions do not exist yet.</summary>
    private async Task<ModelVersion?> LatestAsync(CancellationToken cancellationToken)
    {
        var model = await ferry.Registry.FindRegisteredModelAsync(plan.Name, cancellationToken);
        var latest = model?.LatestVersions?.MaxBy(v => int.Parse(v.Version, CultureInfo.InvariantCulture));
        return latest is null ? null : await ferry.Registry.GetModelVersionAsync(plan.Name, latest.Version, cancellationToken);
    }

    private static string? Tag(ModelVersion version, string key) => version.Tags?.FirstOrDefault(t => t.Key == key)?.Value;

    /// <summary>Whether a version holds the file whose SHA-256 is <paramref name="sha"/>: by the tag <c>ferry ship</c> wrote, else by hashing its file.</summary>
    private async Task<bool> SameContentAsync(ModelVersion version, string sha, CancellationToken cancellationToken)
    {
        if (Tag(version, ShaTag) is { } tagged)
        {
            return tagged == sha;
        }

        // A version registered another way (ferry models register, MLflow): compare the file itself.
        if (version.Source is not { } source || !(source.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        try
        {
            using var hash = SHA256.Create();
            await using (var sink = new CryptoStream(Stream.Null, hash, CryptoStreamMode.Write))
            {
                await ferry.Artifacts.DownloadAsync(source, sink, cancellationToken);
            }

            return Convert.ToHexStringLower(hash.Hash!) == sha;
        }
        catch (FerryApiException)
        {
            return false;
        }
    }

    private async Task<ReferenceView> ReferenceAsync(int version, CancellationToken cancellationToken)
    {
        var rows = plan.Reference;
        var source = $"ship:{rows.File.Name} sha256:{rows.Sha} label:{rows.Label}";
        progress.Report(ShipSteps.Reference, 0, $"Reference of {plan.Name} v{version}");
        var signature = (await ferry.Models.GetVersionAsync(plan.Name, version, cancellationToken)).Signature;
        var inputs = signature?.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _first = rows.First(inputs);
        try
        {
            var existing = await ferry.Monitoring.GetReferenceAsync(plan.Name, version, cancellationToken);
            if (existing.Source == source)
            {
                Done(ShipSteps.Reference, ShipSteps.Unchanged, string.Create(CultureInfo.InvariantCulture,
                    $"v{version}'s reference was built from this {rows.File.Name} ({existing.Rows:N0} rows, label '{rows.Label}'); kept"));
                return existing;
            }
        }
        catch (FerryApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // None yet (404), or one is being built (409): build this one.
        }

        var (records, labels, ignored) = rows.Build(inputs);
        var job = await ferry.Monitoring.StartReferenceAsync(plan.Name, version, records, labels, null, source, cancellationToken);
        var done = await ferry.Monitoring.WaitForReferenceAsync(job, new JobProgress(progress), cancellationToken);
        var reference = done.Reference!;
        Done(ShipSteps.Reference, ShipSteps.Created, string.Create(CultureInfo.InvariantCulture,
            $"{reference.Rows:N0} rows of {rows.File.Name}, label '{rows.Label}'")
            + (reference.Calibrated ? $", score calibrated for CBPE (positive class '{reference.PositiveLabel}')" : string.Empty)
            + (ignored.Count == 0 ? string.Empty : $"; left out columns the model does not take: {string.Join(", ", ignored)}"));
        return reference;
    }

    private async Task DeployAsync(int version, CancellationToken cancellationToken)
    {
        progress.Report(ShipSteps.Deploy, 0, $"Deploying {plan.Name} v{version} to {plan.Endpoint}");
        var tier = await SetTierAsync(cancellationToken);
        try
        {
            await DeployVersionAsync(version, tier, cancellationToken);
        }
        catch (FerryApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.Message.Contains("promotion policy", StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.Failure,
                $"{e.Message} To serve {plan.Name} without approval, ship with --tier low (an admin's decision); otherwise request a promotion (ferry promote request {plan.Name} {version}) and ship again once it is approved", e);
        }
    }

    /// <summary>Sets the model's promotion tier when <c>--tier</c> asks for another one; says so, or returns "".</summary>
    private async Task<string> SetTierAsync(CancellationToken cancellationToken)
    {
        if (plan.Tier is not { } tier || (await ferry.Governance.GetPolicyAsync(plan.Name, cancellationToken)).Tier == tier)
        {
            return string.Empty;
        }

        await ferry.Governance.SetPolicyAsync(plan.Name, new PolicyUpdate { Tier = tier }, cancellationToken);
        return $"; {plan.Name}'s promotion tier set to {tier}";
    }

    private async Task DeployVersionAsync(int version, string tier, CancellationToken cancellationToken)
    {
        var current = await FindEndpointAsync(cancellationToken);
        var target = $"{plan.Name}:{version}";
        if (current is null)
        {
            await ferry.Endpoints.DeployAsync(plan.Endpoint, new DeployRequest([new DeployRoute(plan.Name, version, null, DeployRoute.Weighted, 100)]), cancellationToken);
            Done(ShipSteps.Deploy, ShipSteps.Created, $"endpoint '{plan.Endpoint}' serves {target}"
                + (plan.Canary ? " (no version served before, so no canary: it takes all traffic)" : string.Empty) + tier);
            return;
        }

        var weighted = current.Routes.Where(r => r.Role == DeployRoute.Weighted).ToList();
        var shadows = current.Routes.Where(r => r.Role == DeployRoute.Shadow)
            .Select(r => new DeployRoute(r.Model, r.Alias is null ? r.Version : null, r.Alias, DeployRoute.Shadow, 0)).ToList();
        bool IsThis(RouteView r) => r.Model == plan.Name && r.Alias is null && r.Version == version;
        var total = Math.Max(1, weighted.Sum(r => r.Weight));
        var was = string.Join(", ", weighted.Select(r => string.Create(CultureInfo.InvariantCulture, $"{Endpoints.EndpointOutput.Target(r)} ({100.0 * r.Weight / total:0.#}%)")));
        if (!plan.Canary)
        {
            if (weighted.Count == 1 && IsThis(weighted[0]))
            {
                Done(ShipSteps.Deploy, tier.Length == 0 ? ShipSteps.Unchanged : ShipSteps.Switched, $"'{plan.Endpoint}' already serves {target}" + tier);
                return;
            }

            await ferry.Endpoints.DeployAsync(plan.Endpoint, new DeployRequest([new DeployRoute(plan.Name, version, null, DeployRoute.Weighted, 100), .. shadows]), cancellationToken);
            Done(ShipSteps.Deploy, ShipSteps.Switched, $"'{plan.Endpoint}' switched from {was} to {target}" + tier);
            return;
        }

        if (weighted.Any(IsThis))
        {
            Done(ShipSteps.Deploy, tier.Length == 0 ? ShipSteps.Unchanged : ShipSteps.Switched, (weighted.Count == 1
                ? $"'{plan.Endpoint}' already serves {target} alone (nothing to canary against)"
                : $"{target} already has a share of '{plan.Endpoint}': {was}") + tier);
            return;
        }

        var primary = weighted.OrderByDescending(r => r.Weight).First();
        await ferry.Endpoints.DeployAsync(plan.Endpoint, new DeployRequest(
        [
            new DeployRoute(primary.Model, primary.Alias is null ? primary.Version : null, primary.Alias, DeployRoute.Weighted, 100 - plan.CanaryShare),
            new DeployRoute(plan.Name, version, null, DeployRoute.Weighted, plan.CanaryShare),
            .. shadows,
        ]), cancellationToken);
        Done(ShipSteps.Deploy, ShipSteps.Switched, string.Create(CultureInfo.InvariantCulture,
            $"{target} gets {plan.CanaryShare}% of '{plan.Endpoint}' as a canary beside {Endpoints.EndpointOutput.Target(primary)} ({100 - plan.CanaryShare}%)") + tier);
    }

    private async Task<EndpointView?> FindEndpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ferry.Endpoints.GetAsync(plan.Endpoint, cancellationToken);
        }
        catch (FerryApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> MonitorsAsync(ReferenceView reference, CancellationToken cancellationToken)
    {
        progress.Report(ShipSteps.Monitors, 0, $"Monitors of {plan.Endpoint}");
        var existing = (await ferry.Monitoring.ListMonitorsAsync(cancellationToken)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var drift = DriftMonitor(plan.Endpoint);
        var performance = PerformanceMonitor(plan.Endpoint);
        var created = new List<string>();
        if (!existing.Contains(drift))
        {
            await ferry.Monitoring.SaveMonitorAsync(drift, plan.Endpoint, DriftSpec(), cancellationToken);
            created.Add($"{drift} (drift and data quality, hourly over a day)");
        }

        progress.Report(ShipSteps.Monitors, 0.5, $"Monitors of {plan.Endpoint}");
        if (!existing.Contains(performance))
        {
            var spec = PerformanceSpec(reference);
            await ferry.Monitoring.SaveMonitorAsync(performance, plan.Endpoint, spec, cancellationToken);
            created.Add($"{performance} ({spec.Performance!.Metric} once labels arrive" + (spec.Performance.Estimate ? ", estimated by CBPE before they do" : string.Empty) + ", daily over a week)");
        }

        Done(ShipSteps.Monitors, created.Count == 0 ? ShipSteps.Unchanged : ShipSteps.Created, created.Count == 0
            ? $"{drift} and {performance} exist already; kept as they are"
            : string.Join("; ", created) + (created.Count == 1 ? "; the other existed already" : string.Empty));
        return [drift, performance];
    }

    /// <summary>Drift of every feature and the prediction, and data quality, hourly over the last day.</summary>
    public static MonitorSpec DriftSpec() => new()
    {
        WindowSeconds = 86_400,
        Schedule = DriftSchedule,
        Drift = new DriftCheckSpec(),
        Quality = new QualityCheckSpec(),
    };

    /// <summary>
    /// Realized performance once labels arrive (feedback), daily over the last week: ROC AUC for a binary classifier,
    /// with CBPE estimating it before labels arrive (its reference score is calibrated); accuracy for other classifiers;
    /// RMSE for a regressor.
    /// </summary>
    public static MonitorSpec PerformanceSpec(ReferenceView reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var classifier = reference.Calibrated || reference.Columns.Any(c => c.Name == "prediction.label");
        return new MonitorSpec
        {
            WindowSeconds = 7 * 86_400,
            Schedule = PerformanceSchedule,
            Drift = null,
            Quality = null,
            Performance = new PerformanceCheckSpec
            {
                Metric = reference.Calibrated ? "roc_auc" : classifier ? "accuracy" : "rmse",
                Estimate = reference.Calibrated,
            },
        };
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        progress.Report(ShipSteps.Check, 0, $"Explaining a prediction of {plan.Endpoint}");
        var explanation = (await ferry.Predictions.ExplainAsync(plan.Endpoint, [_first], cancellationToken: cancellationToken))[0];
        Done(ShipSteps.Check, ShipSteps.Passed, string.Create(CultureInfo.InvariantCulture,
            $"{plan.Endpoint} answers the first reference row with {explanation.Output:0.####} ({explanation.Model} v{explanation.Version}), explained by {explanation.Attributions.Count} attributions ({explanation.Method})"));
    }

    /// <summary>Moves the reference step with its job.</summary>
    private sealed class JobProgress(IShipProgress progress) : IProgress<ReferenceJobView>
    {
        public void Report(ReferenceJobView value) =>
            progress.Report(ShipSteps.Reference, value.Total == 0 ? 0 : (double)value.Done / value.Total, $"Reference: {value.Phase ?? value.State}");
    }
}
