using Ferry.Core.Explain;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>
/// The stage <see cref="Router"/> runs after a request's rows are scored and queued to the prediction log, when the
/// request asked for explanations (<c>predict?explain=true</c>). It runs on the request's own model lease: the caller
/// holds a lease on <c>model</c> until it returns. Implemented by the Explain feature, so serving does not depend on it.
/// </summary>
public interface IExplanationStage
{
    /// <summary>
    /// Explains <paramref name="served"/>'s rows with <paramref name="model"/>, the instance that scored them. A version that
    /// cannot be explained still answers: the result then carries <see cref="ServedBatch.ExplanationError"/> instead.
    /// </summary>
    Task<ServedBatch> ExplainAsync(ServedBatch served, ILoadedModel model, ReasonSettings settings, CancellationToken cancellationToken);
}
