using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Explain;

namespace Ferry.Server.Serving;

/// <summary>The explanation stage (see <see cref="Router"/>'s remarks).</summary>
public sealed partial class Router
{
    // Explains the served rows with `model`, which the caller holds a lease on until this returns. The rows are already
    // answered and logged: a version that cannot be explained still gets its predictions, with the reason instead.
    private async Task<ServedBatch> ExplainAsync(ServedBatch served, ILoadedModel model, ReasonSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var context = await explainers.GetAsync(served.Route, model, cancellationToken);
            return served with { Explanations = ExplanationViews.Explain(context, served.Route, model, served.Batch, settings, served.Ids) };
        }
        catch (ValidationException e)
        {
            return served with { ExplanationError = e.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message };
        }
    }
}
