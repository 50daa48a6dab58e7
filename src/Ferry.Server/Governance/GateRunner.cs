using Ferry.Core.Governance;

namespace Ferry.Server.Governance;

/// <summary>Runs every registered <see cref="IPromotionGate"/>, in registration order, into one <see cref="GateEvidence"/>.</summary>
public sealed class GateRunner(IEnumerable<IPromotionGate> gates)
{
    /// <summary>The evidence for <paramref name="context"/>.</summary>
    public async Task<GateEvidence> RunAsync(GateContext context, CancellationToken cancellationToken)
    {
        var evidence = new GateEvidence();
        foreach (var gate in gates)
        {
            await gate.EvaluateAsync(context, evidence, cancellationToken);
        }

        return evidence;
    }
}
