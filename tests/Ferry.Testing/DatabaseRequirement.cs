using Xunit;

namespace Ferry.Testing;

/// <summary>Skips (locally) or fails (in CI) a test whose database is not available.</summary>
public static class DatabaseRequirement
{
    /// <summary>Call at the start of a test on <paramref name="kind"/>.</summary>
    public static void EnsureAvailable(DatabaseKind kind)
    {
        if (kind != DatabaseKind.PostgreSql || TestDatabase.PostgresUnavailableReason is not { } reason)
        {
            return;
        }

        if (TestDatabase.InCi)
        {
            throw new InvalidOperationException("PostgreSQL tests must run in CI, but " + reason);
        }

        Skip.If(true, "PostgreSQL test skipped locally: " + reason);
    }
}
