using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Identity;

/// <summary>Stores API tokens in <see cref="FerryDbContext"/>; every change is audited in its own transaction.</summary>
public sealed class TokenStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : ITokenStore
{
    /// <inheritdoc />
    public Task<CreatedToken> CreateAsync(string name, Role role, DateTimeOffset? expiresAt, string actor, CancellationToken cancellationToken = default) =>
        CreateAsync(name, role, expiresAt, null, actor, cancellationToken);

    /// <inheritdoc />
    public Task<CreatedToken> CreateAsync(string name, Role role, DateTimeOffset? expiresAt, string? group, string actor, CancellationToken cancellationToken = default)
    {
        var secret = TokenSecret.Generate();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var token = NewToken(name, role, secret, expiresAt, actor, clock.GetUtcNow());
            if (!string.IsNullOrWhiteSpace(group))
            {
                token.Group = group.Trim();
                if (!await context.Groups.AnyAsync(g => g.Name == token.Group, ct))
                {
                    throw new NotFoundException($"No group is named '{token.Group}'.");
                }
            }

            if (await context.ApiTokens.AnyAsync(t => t.Name == token.Name && t.RevokedAt == null, ct))
            {
                throw new ConflictException($"An active token is already named '{token.Name}'; names identify actors in the audit trail.");
            }

            context.ApiTokens.Add(token);
            return (new CreatedToken(token, secret), Describe("token.create", token));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<(ApiToken Token, bool Added)> EnsureAsync(string name, Role role, string secret, string actor, CancellationToken cancellationToken = default)
    {
        var hash = TokenSecret.Hash(secret);
        var existing = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        if (existing is not null)
        {
            return (existing, false);
        }

        var token = await writer.RunAsync(actor, (context, _) =>
        {
            var added = NewToken(name, role, secret, null, actor, clock.GetUtcNow());
            context.ApiTokens.Add(added);
            return Task.FromResult((added, Describe("token.create", added)));
        }, cancellationToken);
        return (token, true);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiToken>> ListAsync(bool includeRevoked, CancellationToken cancellationToken = default)
    {
        var tokens = db.ApiTokens.AsNoTracking();
        if (!includeRevoked)
        {
            tokens = tokens.Where(t => t.RevokedAt == null);
        }

        var list = await tokens.ToListAsync(cancellationToken);
        return [.. list.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task<ApiToken> RevokeAsync(Guid id, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var token = await context.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct)
                ?? throw new NotFoundException($"No token has id '{id}'.");
            var wasRevoked = token.RevokedAt is not null;
            token.RevokedAt ??= clock.GetUtcNow();
            // Its dashboard sessions end with it (they would be refused anyway; this shows them ended).
            await context.DashboardSessions.Where(s => s.TokenId == token.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, token.RevokedAt), ct);
            var record = AuditRecord.Of("token.revoke", $"token/{token.Id}", new
            {
                token.Name,
                Role = token.Role.ToWireName(),
                AlreadyRevoked = wasRevoked,
                token.RevokedAt,
            });
            return (token, record);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<ApiToken?> FindActiveAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        var token = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == secretHash, cancellationToken);
        return token is not null && token.IsActiveAt(clock.GetUtcNow()) ? token : null;
    }

    /// <inheritdoc />
    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => db.ApiTokens.AnyAsync(cancellationToken);

    /// <summary>A new token row (validated), as every way of creating one writes it.</summary>
    internal static ApiToken NewToken(string name, Role role, string secret, DateTimeOffset? expiresAt, string actor, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ValidationException("name", "must be 1 to 200 characters");
        }

        if (!Enum.IsDefined(role))
        {
            throw new ValidationException("role", "must be one of viewer, scientist, approver, admin");
        }

        var now = AuditChain.Normalize(at);
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new ValidationException("expiresAt", "must be in the future");
        }

        return new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            Name = name.Trim(),
            Role = role,
            SecretHash = TokenSecret.Hash(secret),
            DisplayPrefix = TokenSecret.DisplayPrefixOf(secret),
            CreatedBy = actor,
            CreatedAt = now,
            ExpiresAt = expiresAt is { } e ? AuditChain.Normalize(e) : null,
        };
    }

    /// <summary>The audit record of a token change.</summary>
    internal static AuditRecord Describe(string action, ApiToken token) =>
        AuditRecord.Of(action, $"token/{token.Id}", new
        {
            token.Name,
            Role = token.Role.ToWireName(),
            token.DisplayPrefix,
            token.ExpiresAt,
            token.Group,
        });
}
