using System.Collections.Concurrent;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Explain.Reasons;
using Ferry.Explain.Shap;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>What explaining one version needs, built once per version and reference.</summary>
/// <param name="Explainer">How its rows are explained.</param>
/// <param name="Sample">The reference sample.</param>
/// <param name="Typical">Typical reference value per feature (median, or most frequent category) for reason codes.</param>
/// <param name="Reference">The reference it was built from.</param>
public sealed record ExplainContext(RowExplainer Explainer, ReferenceSample Sample, IReadOnlyDictionary<string, object?> Typical, LoadedReference Reference);

/// <summary>
/// Explainers by model version, built on first use (reading the model's trees or graph and counting covers on the
/// reference sample) and rebuilt when the version's reference changes.
/// </summary>
public sealed class Explainers(ModelCache models, ReferenceCache references)
{
    /// <summary>KernelSHAP's settings for models that need it.</summary>
    public static readonly KernelShapOptions Kernel = new() { SampleCount = 1024, Seed = 17 };

    private readonly ConcurrentDictionary<(string Model, int Version, long ReferenceAt), Lazy<Task<ExplainContext>>> _contexts = new();

    /// <summary>The explain context of a loaded version.</summary>
    /// <exception cref="ValidationException">The version has no reference (or one without a sample), or cannot be explained.</exception>
    public async Task<ExplainContext> GetAsync(ResolvedRoute route, ILoadedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        var reference = await references.GetAsync(route.ModelName, route.Version, cancellationToken);
        if (reference?.Entry.SampleJson is null)
        {
            throw new ValidationException("reference",
                $"{route.ModelName} version {route.Version} has no reference sample; explanations need one (its covers and background): 'ferry models reference {route.ModelName} {route.Version} <training data>'");
        }

        var key = (route.ModelName, route.Version, reference.Entry.CreatedAt);
        var lazy = _contexts.GetOrAdd(key, _ => new Lazy<Task<ExplainContext>>(() => BuildAsync(route, model, reference)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _contexts.TryRemove(key, out _);
            throw;
        }
    }

    private async Task<ExplainContext> BuildAsync(ResolvedRoute route, ILoadedModel model, LoadedReference reference)
    {
        var sample = ReferenceSample.FromJson(reference.Entry.SampleJson!, model.Features);
        var explainer = await ExplainerFactory.CreateAsync(model, ct => models.OpenModelFileAsync(route, ct), sample, Kernel, CancellationToken.None,
            ReferenceCovers.FromJson(reference.Entry.CoversJson));
        var rows = Enumerable.Range(0, sample.Batch.RowCount).Select(i => (IReadOnlyDictionary<string, object?>)BatchRows.Row(sample.Batch, model.Features, i));
        return new ExplainContext(explainer, sample, TypicalValues.FromRows(rows), reference);
    }
}
