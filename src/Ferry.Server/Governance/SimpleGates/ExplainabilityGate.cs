using Ferry.Core.Governance;
using Ferry.Server.Explain.ModelCards;

namespace Ferry.Server.Governance.SimpleGates;

/// <summary>
/// <c>explainability</c>: the candidate has a reference set, and its predictions are explained by an exact method or by
/// KernelSHAP with a stated reason (as its model card reports them).
/// </summary>
public sealed class ExplainabilityGate(ModelCardAssembler cards) : IPromotionGate
{
    /// <inheritdoc />
    public string Name => "explainability";

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        if (!context.Settings.RequireExplainability)
        {
            return;
        }

        var card = await cards.AssembleAsync(context.ModelName, context.Version, cancellationToken);
        evidence.Results.Add(card.Reference is { } reference
            ? new GateResult(Name, "reference set", GateVerdict.Pass, reference.Rows, null, $"A reference of {reference.Rows} rows ({reference.Source}).")
            : new GateResult(Name, "reference set", GateVerdict.Fail, null, null, "No reference set: upload one (ferry models reference) so predictions can be explained."));
        evidence.Results.Add(card.Explanation switch
        {
            null => new GateResult(Name, "explanation method", GateVerdict.Fail, null, null, "Ferry cannot read the model file to explain it."),
            { FallbackReason: null } plan => new GateResult(Name, "explanation method", GateVerdict.Pass, null, null, $"Exact: {plan.Method}."),
            var plan => new GateResult(Name, "explanation method", GateVerdict.Pass, null, null, $"{plan.Method}, a stated fallback: {plan.FallbackReason}."),
        });
    }
}
