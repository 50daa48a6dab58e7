using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>The router's explanation stage: explains served rows with the model instance that scored them.</summary>
public sealed class ExplanationStage(Explainers explainers) : IExplanationStage
{
    /// <inheritdoc />
    public async Task<ServedBatch> ExplainAsync(ServedBatch served, ILoadedModel model, ReasonSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        try
        {
            var context = await explainers.GetAsync(served.Route, model, cancellationToken);
            return served with { Explanations = ExplanationViews.Explain(context, served.Route, model, served.Batch, settings, served.Ids) };
        }
        catch (ValidationException e)
        {
            // The rows are already answered and logged: the caller still gets its predictions, with the reason.
            return served with { ExplanationError = e.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message };
        }
    }
}
