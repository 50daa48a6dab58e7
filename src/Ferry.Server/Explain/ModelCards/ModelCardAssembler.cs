using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain.ModelCards;

/// <summary>Gathers a card's data: the registry version, its run, signature, reference, stored importance and fairness.</summary>
public sealed class ModelCardAssembler(IRegistryStore registry, ITrackingStore tracking, IModelCardStore cards, ReferenceCache references, ModelCache models, TimeProvider clock)
{
    /// <summary>The card of a version.</summary>
    /// <exception cref="NotFoundException">No such model or version.</exception>
    public async Task<ModelCardData> AssembleAsync(string name, int version, CancellationToken cancellationToken)
    {
        var found = await registry.GetVersionAsync(name, version, cancellationToken);
        var fields = await FieldsAsync(name, version, cancellationToken);
        var lineage = await LineageAsync(found, cancellationToken);
        var reference = await references.GetAsync(name, version, cancellationToken);
        IReadOnlyList<CardField> inputs = [];
        IReadOnlyList<CardField> outputs = [];
        CardFairness? fairness = null;
        ExplanationPlan? explanation = null;
        if (found.Version.Flavor is not null && found.Version.ArtifactPath is not null)
        {
            var route = RegisteredRoute.Of(found);
            using var lease = await models.AcquireAsync(route, cancellationToken);
            inputs = [.. lease.Model.Signature.Inputs.Select(Field)];
            outputs = [.. lease.Model.Signature.Outputs.Select(Field)];
            fairness = Fairness(lease.Model, reference, fields.FairnessAttribute);
            explanation = await ExplainerFactory.PlanAsync(lease.Model, ct => models.OpenModelFileAsync(route, ct), cancellationToken);
        }

        var importance = reference?.Entry.InsightsJson is { } json ? JsonSerializer.Deserialize(json, ExplainJsonContext.Default.CardImportance) : null;
        var referenceCard = reference is null ? null : new CardReference(reference.Entry.Rows, reference.Entry.Source,
            DateTimeOffset.FromUnixTimeMilliseconds(reference.Entry.CreatedAt), reference.Entry.PositiveLabel, reference.Calibrator is not null);
        return new ModelCardData(name, version, string.IsNullOrEmpty(found.Version.Description) ? null : found.Version.Description,
            found.Version.Flavor, found.Version.CurrentStage, found.Aliases, DateTimeOffset.FromUnixTimeMilliseconds(found.Version.CreationTimestamp),
            fields, lineage, inputs, outputs, referenceCard, importance, fairness, clock.GetUtcNow(), explanation);
    }

    /// <summary>A version's editable fields (empty when never set).</summary>
    public async Task<ModelCardFields> FieldsAsync(string name, int version, CancellationToken cancellationToken) =>
        await cards.FindAsync(name, version, cancellationToken) is { } json
            ? JsonSerializer.Deserialize(json, ExplainJsonContext.Default.ModelCardFields) ?? new ModelCardFields()
            : new ModelCardFields();

    private static CardFairness? Fairness(ILoadedModel model, LoadedReference? reference, string? attribute)
    {
        if (reference?.Entry is not { SampleJson: { } sampleJson, PositiveLabel: { } positive })
        {
            return null;
        }

        var chosen = attribute ?? model.Features.FirstOrDefault(f => f.Kind == FeatureKind.Text)?.Name;
        if (chosen is null)
        {
            return null;
        }

        var sample = ReferenceSample.FromJson(sampleJson, model.Features);
        return sample.Labels is null ? null : InsightsBuilder.Fairness(model, sample, chosen, positive);
    }

    private async Task<CardLineage?> LineageAsync(RegistryVersion found, CancellationToken cancellationToken)
    {
        if (found.Version.RunId is not { } runId)
        {
            return new CardLineage(found.Version.Source, null, null, null, new Dictionary<string, string>(), new Dictionary<string, double>(), []);
        }

        Run run;
        try
        {
            run = await tracking.GetRunAsync(runId, cancellationToken);
        }
        catch (NotFoundException)
        {
            return new CardLineage(found.Version.Source, runId, null, null, new Dictionary<string, string>(), new Dictionary<string, double>(), []);
        }

        string? experiment = null;
        try
        {
            experiment = (await tracking.GetExperimentAsync(run.ExperimentId, cancellationToken)).Name;
        }
        catch (NotFoundException)
        {
        }

        var datasets = run.DatasetInputs.Select(d => $"{d.Name} (digest {d.Digest})")
            .Concat(run.Tags.Where(t => t.Key == "dataset").Select(t => t.Value)).ToList();
        return new CardLineage(found.Version.Source, run.Id, run.Name, experiment,
            run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.ActualValue, StringComparer.Ordinal),
            datasets);
    }

    private static CardField Field(Ferry.Core.Signatures.TensorSpec spec) =>
        new(spec.Name, $"{spec.ElementType} [{string.Join(", ", spec.Shape.Select(d => d < 0 ? "n" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]");
}
