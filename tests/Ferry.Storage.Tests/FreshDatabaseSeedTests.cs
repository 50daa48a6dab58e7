using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Core.Tracking;
using Ferry.Storage.Bootstrap;
using Ferry.Storage.Sqlite;
using Ferry.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ferry.Storage.Tests;

/// <summary>
/// A brand-new database gets its admin token and default experiment as plain inserts built from the EF model. Those
/// rows must be exactly what the stores write, so everything that reads them later (sign-in, revocation, the audit
/// chain, MLflow's default experiment) cannot tell the difference.
/// </summary>
public sealed class FreshDatabaseSeedTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task SeededRows_AreReadRevokedAndVerified_ByTheStores()
    {
        using var directory = new TempDirectory("seed");
        await using var services = Services(Path.Combine(directory.Path, "seeded.db"));
        string secret;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
            Assert.True(await DatabaseMigrator.MigrateAsync(db, null, scope.ServiceProvider.GetService<IEmptyDatabaseSchema>()));
            secret = await FreshDatabaseSeed.SeedAsync(db, null, "system", _clock);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var token = await tokens.FindActiveAsync(TokenSecret.Hash(secret));
            Assert.NotNull(token);
            Assert.Equal(("admin", Role.Admin, "system", _clock.GetUtcNow()), (token.Name, token.Role, token.CreatedBy, token.CreatedAt));
            Assert.True(await tokens.AnyAsync());
            _clock.Advance(TimeSpan.FromMinutes(1));
            var revoked = await tokens.RevokeAsync(token.Id, "admin");
            Assert.NotNull(revoked.RevokedAt);
            Assert.Null(await tokens.FindActiveAsync(TokenSecret.Hash(secret)));

            var tracking = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
            Assert.False(await tracking.EnsureDefaultExperimentAsync("system"));
            var experiment = await tracking.GetExperimentAsync(Experiment.DefaultId);
            Assert.Equal(("Default", "mlflow-artifacts:/0", LifecycleStage.Active), (experiment.Name, experiment.ArtifactLocation, experiment.LifecycleStage));

            var audit = scope.ServiceProvider.GetRequiredService<IAuditLog>();
            var verification = await audit.VerifyAsync();
            Assert.True(verification.IsValid, verification.Reason);
            Assert.Equal(3, verification.EventsChecked);
            var events = await audit.QueryAsync(new AuditQuery());
            Assert.Equal(["token.create", "experiment.create", "token.revoke"], events.Select(e => e.Action));
        }
    }

    [Fact]
    public async Task SeededRows_AreStored_AsTheStoresStoreThem()
    {
        using var directory = new TempDirectory("seed-compare");
        var seededPath = Path.Combine(directory.Path, "seeded.db");
        var writtenPath = Path.Combine(directory.Path, "written.db");
        await using (var seeded = Services(seededPath))
        await using (var scope = seeded.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
            await DatabaseMigrator.MigrateAsync(db, null, scope.ServiceProvider.GetService<IEmptyDatabaseSchema>());
            await FreshDatabaseSeed.SeedAsync(db, TokenSecret.Generate(), "system", _clock);
        }

        await using (var written = Services(writtenPath))
        await using (var scope = written.CreateAsyncScope())
        {
            await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<FerryDbContext>(), null, scope.ServiceProvider.GetService<IEmptyDatabaseSchema>());
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync("admin", Role.Admin, null, "system");
            await scope.ServiceProvider.GetRequiredService<ITrackingStore>().EnsureDefaultExperimentAsync("system");
        }

        foreach (var table in new[] { "api_tokens", "audit_events", "experiments" })
        {
            Assert.Equal(await ShapeAsync(writtenPath, table), await ShapeAsync(seededPath, table));
        }
    }

    private ServiceProvider Services(string path) =>
        new ServiceCollection().AddSingleton<TimeProvider>(_clock).AddFerrySqliteStorage(SqliteStorage.ConnectionStringFor(path)).BuildServiceProvider();

    /// <summary>Per row and column: the declared type and the stored value's type, and for text ids their length, case and dashes.</summary>
    private static async Task<List<string>> ShapeAsync(string path, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync();
        var shape = new List<string>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                var pattern = value is not string text ? string.Empty
                    : $"{text.Length} chars, {(text.Any(char.IsLower) ? "lower" : text.Any(char.IsUpper) ? "upper" : "no")} case, {text.Count(c => c == '-')} dashes";
                shape.Add($"{reader.GetName(i)}:{reader.GetDataTypeName(i)}:{value.GetType().Name}:{(reader.GetName(i) is "id" ? pattern : string.Empty)}");
            }
        }

        return shape;
    }
}
