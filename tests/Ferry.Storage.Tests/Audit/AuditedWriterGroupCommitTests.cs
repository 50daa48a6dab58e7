using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Audit;

/// <summary>
/// <see cref="AuditedWriter"/>'s group commit, on SQLite and PostgreSQL: changes queued behind a commit run in one
/// transaction, each in its own savepoint, so a failing change is undone alone and the others commit; a queued change
/// whose caller gives up is withdrawn and never written.
/// </summary>
public abstract class AuditedWriterGroupCommitTests(DatabaseKind kind) : StorageTestBase(kind)
{
    private const int Queued = 12;

    [SkippableFact]
    public async Task QueuedChanges_OneGroup_FailuresUndoneAloneOthersCommitted()
    {
        // A first change holds the writer's lock until every other change is queued behind it.
        var (first, release) = await HoldTheLockAsync();

        var contexts = new FerryDbContext?[Queued];
        var writes = new List<Task>();
        var scopes = new List<AsyncServiceScope>();
        for (var i = 0; i < Queued; i++)
        {
            var index = i;
            var scope = Scope();
            scopes.Add(scope);
            var writer = scope.ServiceProvider.GetRequiredService<AuditedWriter>();
            writes.Add(writer.RunAsync("test", (context, _) =>
            {
                contexts[index] = context;
                if (index % 4 == 1)
                {
                    throw new ConflictException($"change {index} refuses");
                }

                // Every fourth change stages a token whose name another committed token has: the unique hash clashes at SaveChanges.
                return Task.FromResult(Token(context, index % 4 == 3 ? "first" : $"t{index}"));
            }));
        }

        // Each write queued its change before waiting for the lock, which the first change still holds.
        Assert.All(writes, w => Assert.False(w.IsCompleted));
        release.SetResult();
        await first;
        for (var i = 0; i < Queued; i++)
        {
            var write = writes[i];
            switch (i % 4)
            {
                case 1:
                    await Assert.ThrowsAsync<ConflictException>(() => write);
                    break;
                case 3:
                    await Assert.ThrowsAnyAsync<DbUpdateException>(() => write);
                    break;
                default:
                    await write;
                    break;
            }
        }

        // Every queued change ran on one context: the one writer that took the lock next ran them all.
        Assert.Single(contexts.Distinct());
        await using var check = Scope();
        var db = check.ServiceProvider.GetRequiredService<FerryDbContext>();
        var names = await db.ApiTokens.Select(t => t.Name).OrderBy(n => n).ToListAsync();
        var expected = Enumerable.Range(0, Queued).Where(i => i % 2 == 0).Select(i => $"t{i}").Append("first").Order(StringComparer.Ordinal);
        Assert.Equal(expected, names.Order(StringComparer.Ordinal));
        var verification = await check.ServiceProvider.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(1 + (Queued / 2), verification.EventsChecked);
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task QueuedChange_CallerCancels_WithdrawnAndNeverWritten()
    {
        var (first, release) = await HoldTheLockAsync();

        await using var scope = Scope();
        using var cancel = new CancellationTokenSource();
        var ran = false;
        var queued = scope.ServiceProvider.GetRequiredService<AuditedWriter>().RunAsync("test", (context, _) =>
        {
            ran = true;
            return Task.FromResult(Token(context, "withdrawn"));
        }, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        release.SetResult();
        await first;
        await Write("after", (context, _) => Task.FromResult(Token(context, "after")));

        Assert.False(ran);
        await using var check = Scope();
        var db = check.ServiceProvider.GetRequiredService<FerryDbContext>();
        Assert.Equal(["after", "first"], (await db.ApiTokens.Select(t => t.Name).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.True((await check.ServiceProvider.GetRequiredService<IAuditLog>().VerifyAsync()).IsValid);
    }

    /// <summary>Starts a change (a token named "first") that holds the writer's lock until <c>Release</c> completes.</summary>
    private async Task<(Task<int> First, TaskCompletionSource Release)> HoldTheLockAsync()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Write("first", async (context, _) =>
        {
            holding.SetResult();
            await release.Task;
            return Token(context, "first");
        });
        await holding.Task;
        return (first, release);
    }

    private async Task<int> Write(string name, Func<FerryDbContext, CancellationToken, Task<(int, AuditRecord)>> change)
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<AuditedWriter>().RunAsync(name, change);
    }

    /// <summary>Stages a token whose secret hash derives from its name (so two tokens named alike clash on the unique hash).</summary>
    private (int, AuditRecord) Token(FerryDbContext context, string name)
    {
        context.ApiTokens.Add(new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = name,
            Role = Role.Viewer,
            SecretHash = TokenSecret.Hash("secret-" + name),
            DisplayPrefix = "x",
            CreatedBy = "test",
            CreatedAt = Clock.GetUtcNow(),
        });
        return (0, new AuditRecord("token.create", $"token/{name}", "{}"));
    }
}

public sealed class SqliteAuditedWriterGroupCommitTests() : AuditedWriterGroupCommitTests(DatabaseKind.Sqlite);

public sealed class PostgresAuditedWriterGroupCommitTests() : AuditedWriterGroupCommitTests(DatabaseKind.PostgreSql);
