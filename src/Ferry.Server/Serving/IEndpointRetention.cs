namespace Ferry.Server.Serving;

/// <summary>What per-endpoint retention removed, and which endpoints it took care of.</summary>
/// <param name="Handled">Endpoints whose rows the server-wide delete must leave alone.</param>
/// <param name="Predictions">Predictions removed.</param>
/// <param name="Feedback">Feedback rows removed.</param>
public sealed record EndpointRetentionResult(IReadOnlyCollection<string> Handled, int Predictions, int Feedback);

/// <summary>
/// Seam for <see cref="RetentionService"/>: per-endpoint retention (each endpoint's own setting, never below the retention
/// floor of the models it serves, removing whole sealed stretches). Implemented by the oversight feature.
/// </summary>
public interface IEndpointRetention
{
    /// <summary>One pass at <paramref name="now"/>, with the server-wide retention (null: keep unless an endpoint says otherwise).</summary>
    Task<EndpointRetentionResult> RunAsync(DateTimeOffset now, TimeSpan? serverRetention, CancellationToken cancellationToken);
}
