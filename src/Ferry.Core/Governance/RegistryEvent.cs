namespace Ferry.Core.Governance;

/// <summary>
/// Something that happened in the registry or to a promotion request, published after it was committed.
/// Types: <c>model_version.created</c>, <c>model_version_alias.created</c>, <c>model_version_alias.deleted</c>,
/// <c>model_version.stage_changed</c> (registry; the MLflow 3 names where MLflow has one), and
/// <c>promotion.requested</c>, <c>promotion.approved</c>, <c>promotion.rejected</c>, <c>promotion.withdrawn</c>,
/// <c>promotion.expired</c>.
/// </summary>
/// <param name="Type">The event type.</param>
/// <param name="ModelName">The registered model.</param>
/// <param name="Version">The version concerned, when there is one.</param>
/// <param name="Actor">Who did it (a token name, or <c>system</c>).</param>
/// <param name="Timestamp">When, epoch ms.</param>
/// <param name="Data">Further fields (alias, from/to stage, request id, comment...).</param>
public sealed record RegistryEvent(
    string Type, string ModelName, int? Version, string Actor, long Timestamp, IReadOnlyDictionary<string, string?> Data);

/// <summary>Receives registry and promotion events after their change is committed (webhook delivery implements it).</summary>
public interface IRegistryEventSink
{
    /// <summary>Takes one event; must not throw for delivery failures (those are recorded and retried).</summary>
    Task PublishAsync(RegistryEvent registryEvent, CancellationToken cancellationToken);
}
