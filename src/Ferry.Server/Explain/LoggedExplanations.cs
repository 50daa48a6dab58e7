using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>Explanations of predictions already in the log, each with the version that answered it.</summary>
public static class LoggedExplanations
{
    /// <summary>Explains a logged prediction with the version that answered it (the explanation API and the dashboard).</summary>
    /// <exception cref="NotFoundException">The endpoint has no such logged prediction.</exception>
    /// <exception cref="ConflictException">The prediction is a suspended endpoint's fallback answer: no model ran, so nothing explains it.</exception>
    /// <exception cref="ValidationException">Its inputs were erased (data-subject erasure), or no longer fit the version.</exception>
    public static async Task<ExplanationView> ExplainAsync(string name, Guid id, ReasonSettings settings, IPredictionStore predictions, IRegistryStore registry, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(explainers);
        var logged = await predictions.FindAsync(name, id, cancellationToken)
            ?? throw new NotFoundException($"Endpoint '{name}' has no logged prediction {id} (or retention removed it).");
        if (SuspensionFallback.IsFallback(logged.Prediction))
        {
            throw new ConflictException($"Prediction {id} is the fallback answer endpoint '{name}' gave while it was suspended: no model ran, so it has no explanation.");
        }

        if (logged.Prediction.ErasedAt is { } erased)
        {
            // Data-subject erasure removed the inputs; the reason codes kept then are in the subject export.
            throw new ValidationException("inputs", $"were erased at {DateTimeOffset.FromUnixTimeMilliseconds(erased):u} at the data subject's request, so prediction {id} cannot be explained again");
        }

        var found = await registry.GetVersionAsync(logged.Prediction.ModelName, logged.Prediction.ModelVersion, cancellationToken);
        var route = RegisteredRoute.Of(found);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        using var inputs = JsonDocument.Parse("[" + logged.Prediction.InputsJson + "]");
        var batch = RecordValidator.FromRecords(inputs.RootElement, lease.Model.Features, "inputs");
        var context = await explainers.GetAsync(route, lease.Model, cancellationToken);
        return ExplanationViews.Explain(context, route, lease.Model, batch, settings, [id])[0];
    }

    /// <summary>
    /// Explains an already-found logged prediction with the version that answered it, and gives the reference's typical
    /// value of each feature beside it (decision notices word every factor, not only the adverse ones).
    /// </summary>
    public static async Task<(ExplanationView View, IReadOnlyDictionary<string, object?> Typical)> ExplainWithTypicalAsync(PredictionRecord logged, ReasonSettings settings, IRegistryStore registry, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logged);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(explainers);
        var found = await registry.GetVersionAsync(logged.ModelName, logged.ModelVersion, cancellationToken);
        var route = RegisteredRoute.Of(found);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        using var inputs = JsonDocument.Parse("[" + logged.InputsJson + "]");
        var batch = RecordValidator.FromRecords(inputs.RootElement, lease.Model.Features, "inputs");
        var context = await explainers.GetAsync(route, lease.Model, cancellationToken);
        return (ExplanationViews.Explain(context, route, lease.Model, batch, settings, [logged.Id])[0], context.Typical);
    }
}
