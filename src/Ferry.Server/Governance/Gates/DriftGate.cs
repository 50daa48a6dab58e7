using System.Globalization;
using Ferry.Core.Governance;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Monitoring;
using Ferry.Statistics.Drift;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Gates;

/// <summary>
/// The optional <c>drift</c> gate: the candidate's reference (training) columns against the production traffic of
/// every endpoint that follows the target alias, over the last <see cref="QualityGateOptions.DriftWindow"/>, with the
/// exact drift tests monitors use (<see cref="ExactDrift"/>, each column's method chosen as Evidently's defaults). The
/// share of drifted input features must not exceed <see cref="GateSettings.MaxDriftShare"/>. Reads at most
/// <see cref="MonitoringOptions.ExactRowLimit"/> logged rows. Off when the limit is null; not applicable without
/// traffic or without the reference's full columns.
/// </summary>
public sealed class DriftGate(
    IEndpointStore endpoints,
    IWindowPredictionStore predictions,
    IReferenceColumnStore referenceColumns,
    IOptions<QualityGateOptions> options,
    IOptions<MonitoringOptions> monitoring,
    TimeProvider clock) : IPromotionGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "drift";

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        if (context.Settings.MaxDriftShare is not { } limit)
        {
            return;
        }

        var check = $"drift_share <= {GateMetrics.Show(limit)}";
        GateResult NotApplicable(string why) => new(GateName, check, GateVerdict.NotApplicable, null, limit, why);
        if (context.TargetAlias is not { } alias)
        {
            evidence.Results.Add(NotApplicable("A stage move follows no alias, so no endpoint's traffic is the one the candidate would take."));
            return;
        }

        var reference = await referenceColumns.LoadAsync(context.ModelName, context.Version, cancellationToken);
        var features = reference?.Values.Where(c => !ProfileColumns.IsOutput(c.Name)).ToList();
        if (features is not { Count: > 0 })
        {
            evidence.Results.Add(NotApplicable($"{context.ModelName} version {context.Version} keeps no full reference columns: set its reference (with at most {monitoring.Value.ExactRowLimit:N0} rows)."));
            return;
        }

        var end = clock.GetUtcNow().ToUnixTimeMilliseconds() + 1; // the window includes now
        var start = end - (long)options.Value.DriftWindow.TotalMilliseconds;
        var rowLimit = monitoring.Value.ExactRowLimit;
        var traffic = new LoggedColumns(features.Select(c => (c.Name, c.IsNumeric)), Math.Min(rowLimit, 100_000));
        var sources = new List<string>();
        foreach (var endpoint in await endpoints.ListAsync(cancellationToken))
        {
            var policy = await endpoints.ResolveAsync(endpoint.Name, cancellationToken);
            foreach (var route in policy?.Routes.Where(r => r.ModelName == context.ModelName && r.Alias == alias) ?? [])
            {
                sources.Add($"{endpoint.Name} (version {route.Version})");
                await foreach (var row in predictions.StreamAsync(endpoint.Name, context.ModelName, route.Version, start, end, cancellationToken))
                {
                    if (traffic.Rows >= rowLimit)
                    {
                        break;
                    }

                    traffic.Add(row);
                }
            }
        }

        if (traffic.Rows == 0)
        {
            evidence.Results.Add(NotApplicable(sources.Count == 0
                ? $"No endpoint follows '{alias}' of {context.ModelName}, so there is no production traffic to compare with."
                : $"The endpoints following '{alias}' ({string.Join(", ", sources)}) served nothing in the last {options.Value.DriftWindow}."));
            return;
        }

        var results = new List<ColumnDriftResult>();
        var testOptions = new DriftTestOptions();
        foreach (var column in features)
        {
            if (column.Numbers is { } numbers)
            {
                if (traffic.IsNumeric(column.Name))
                {
                    results.Add(ExactDrift.TestNumeric(column.Name, numbers, traffic.Numbers(column.Name), null, testOptions));
                }
            }
            else
            {
                results.Add(ExactDrift.TestCategorical(column.Name, column.Categories!, traffic.Categories(column.Name) ?? Array.Empty<string?>(), testOptions));
            }
        }

        var tested = results.Where(r => !r.Skipped).ToList();
        if (tested.Count == 0)
        {
            evidence.Results.Add(NotApplicable("No input feature could be tested (too few values on either side)."));
            return;
        }

        var drifted = tested.Where(r => r.Drifted).ToList();
        var share = (double)drifted.Count / tested.Count;
        var passed = share <= limit;
        var named = drifted.Count == 0
            ? "none"
            : string.Join(", ", drifted.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Column} ({r.Method}{(r.PValue is { } p ? $" p = {p:0.####}" : $" {r.Score:0.####}")})")));
        evidence.Results.Add(new GateResult(GateName, check, passed ? GateVerdict.Pass : GateVerdict.Fail, share, limit,
            string.Create(CultureInfo.InvariantCulture,
                $"{drifted.Count} of {tested.Count} input features drifted between version {context.Version}'s reference ({features[0].Rows:N0} rows) and {traffic.Rows:N0} rows served by {string.Join(", ", sources)} in the last {options.Value.DriftWindow}: {named}.")));
    }
}
