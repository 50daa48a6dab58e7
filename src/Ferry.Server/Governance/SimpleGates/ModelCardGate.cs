using Ferry.Core.Governance;
using Ferry.Server.Explain.ModelCards;

namespace Ferry.Server.Governance.SimpleGates;

/// <summary><c>model-card</c>: the candidate's card names an owner, the intended use and the limitations (one check each).</summary>
public sealed class ModelCardGate(ModelCardAssembler cards) : IPromotionGate
{
    /// <inheritdoc />
    public string Name => "model-card";

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        if (!context.Settings.RequireModelCard)
        {
            return;
        }

        var fields = await cards.FieldsAsync(context.ModelName, context.Version, cancellationToken);
        Check(evidence, "owner", fields.Owner);
        Check(evidence, "intended use", fields.IntendedUse);
        Check(evidence, "limitations", fields.Limitations);
    }

    private void Check(GateEvidence evidence, string field, string? value)
    {
        var filled = !string.IsNullOrWhiteSpace(value);
        evidence.Results.Add(new GateResult(Name, $"{field} filled in", filled ? GateVerdict.Pass : GateVerdict.Fail, null, null,
            filled ? $"The card states the {field}." : $"The card's {field} is empty: fill it in (ferry models card set, or PUT .../card)."));
    }
}
