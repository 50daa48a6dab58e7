using Ferry.Core.Health;

namespace Ferry.Storage.Health;

/// <summary><see cref="IDatabaseHealth"/> on <see cref="FerryDbContext"/>.</summary>
public sealed class DatabaseHealth(FerryDbContext db) : IDatabaseHealth
{
    /// <inheritdoc />
    public Task<bool> CanConnectAsync(CancellationToken cancellationToken = default) => db.Database.CanConnectAsync(cancellationToken);
}
