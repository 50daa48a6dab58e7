using Ferry.Core.Serving;

namespace Ferry.Server.Serving.Batching;

/// <summary>
/// A request's model lease that can be handed over: disposing releases it unless <see cref="Take"/> passed it on (to
/// <see cref="AdaptiveBatching"/>, which releases it once the request's rows are scored).
/// </summary>
/// <param name="lease">The lease held.</param>
internal sealed class LeaseHandover(ModelCache.ModelLease lease) : IDisposable
{
    private ModelCache.ModelLease? _lease = lease;

    /// <summary>The leased model (still readable after the lease was handed over).</summary>
    public ILoadedModel Model { get; } = lease?.Model ?? throw new ArgumentNullException(nameof(lease));

    /// <summary>
    /// A second hold on the leased model (<see cref="ModelCache.ModelLease.Hold"/>) to hand over instead of the lease,
    /// when the request still uses the model after the new owner released what it was given (the explanation stage):
    /// the lease itself stays here and is released on <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lease was handed over already.</exception>
    public IDisposable Share() => (Volatile.Read(ref _lease) ?? throw new InvalidOperationException("The lease was handed over already.")).Hold();

    /// <summary>Hands the lease over: the caller now releases it; null when it was taken already.</summary>
    public IDisposable? Take() => Interlocked.Exchange(ref _lease, null);

    /// <summary>Releases the lease unless it was handed over.</summary>
    public void Dispose() => Take()?.Dispose();
}
