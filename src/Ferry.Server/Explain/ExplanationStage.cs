using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Serving;
using Ferry.Server.Health;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>
/// The router's explanation stage: explains served rows with the model instance that scored them. When the version's
/// reference cannot be read because the database is unavailable, the rows are still answered, with an explanation error.
/// </summary>
public sealed class ExplanationStage(Explainers explainers, DatabaseOutage outage) : IExplanationStage
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
        catch (Exception e) when (e is not OperationCanceledException && outage.Observe(e))
        {
            return served with { ExplanationError = "the database is unavailable, so this version's reference cannot be read; explanations resume when it is back" };
        }
    }
}
