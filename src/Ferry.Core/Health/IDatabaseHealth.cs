namespace Ferry.Core.Health;

/// <summary>Port: whether the metadata database answers (the readiness probe's last check).</summary>
public interface IDatabaseHealth
{
    /// <summary>True when a connection to the database can be opened.</summary>
    Task<bool> CanConnectAsync(CancellationToken cancellationToken = default);
}
