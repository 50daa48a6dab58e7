using System.Buffers.Text;
using System.Security.Cryptography;
using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Identity;

/// <summary>
/// Stores dashboard sessions in <see cref="FerryDbContext"/>. Sessions are not audited: signing in changes nothing that
/// the audit trail describes, and a sliding session would otherwise write an event per page view.
/// </summary>
public sealed class DashboardSessionStore(FerryDbContext db, TimeProvider clock) : IDashboardSessionStore
{
    /// <summary>Random bytes in a session id (256 bits, base64url in the cookie).</summary>
    public const int RandomBytes = 32;

    /// <inheritdoc />
    public async Task<CreatedDashboardSession> CreateAsync(Guid tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        var secret = Base64Url.EncodeToString(random);
        var now = AuditChain.Normalize(clock.GetUtcNow());
        var session = new DashboardSession
        {
            Id = Guid.CreateVersion7(now),
            SecretHash = TokenSecret.Hash(secret),
            TokenId = tokenId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = AuditChain.Normalize(expiresAt),
        };
        db.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
        return new CreatedDashboardSession(session, secret);
    }

    /// <inheritdoc />
    public async Task<DashboardSessionWithToken?> FindAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        var found = await (from session in db.Set<DashboardSession>().AsNoTracking()
                           join token in db.ApiTokens.AsNoTracking() on session.TokenId equals token.Id
                           where session.SecretHash == secretHash
                           select new { session, token }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : new DashboardSessionWithToken(found.session, found.token);
    }

    /// <inheritdoc />
    public Task TouchAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var when = AuditChain.Normalize(at);
        return db.Set<DashboardSession>().Where(s => s.Id == id && s.LastSeenAt < when)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.LastSeenAt, when), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var now = AuditChain.Normalize(clock.GetUtcNow());
        return await db.Set<DashboardSession>().Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now), cancellationToken) > 0;
    }

    /// <inheritdoc />
    public Task<int> RevokeForTokenAsync(Guid tokenId, CancellationToken cancellationToken = default)
    {
        var now = AuditChain.Normalize(clock.GetUtcNow());
        return db.Set<DashboardSession>().Where(s => s.TokenId == tokenId && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DashboardSessionWithToken>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = AuditChain.Normalize(clock.GetUtcNow());
        var rows = await (from session in db.Set<DashboardSession>().AsNoTracking()
                          join token in db.ApiTokens.AsNoTracking() on session.TokenId equals token.Id
                          where session.RevokedAt == null && session.ExpiresAt > now && token.RevokedAt == null
                          select new { session, token }).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.session.CreatedAt).Select(r => new DashboardSessionWithToken(r.session, r.token))];
    }

    /// <inheritdoc />
    public Task<int> DeleteEndedAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var cutoff = AuditChain.Normalize(before);
        return db.Set<DashboardSession>().Where(s => s.ExpiresAt < cutoff || s.RevokedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }
}
