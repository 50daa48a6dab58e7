using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Monitoring;

/// <summary>
/// The full reference columns kept for exact drift, and a window's logged rows read for it, on SQLite and PostgreSQL.
/// </summary>
public abstract class ReferenceColumnStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [SkippableFact]
    public async Task Save_ThenLoad_GivesBackEveryValueBitForBit_AndSavingAgainReplacesTheColumns()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IReferenceColumnStore>();
        var numbers = Enumerable.Range(0, 5000).Select(i => i % 97 == 0 ? double.NaN : Math.Sin(i) * 1e6 / 3).Append(-0.0).Append(double.Epsilon).ToArray();
        string?[] categories = [.. Enumerable.Range(0, numbers.Length).Select(i => i % 13 == 0 ? null : i % 3 == 0 ? "école" : "b" + (i % 5))];

        await store.SaveAsync("credit", 1, [new ReferenceColumnValues("income", numbers, null), new ReferenceColumnValues("purpose", null, categories)]);
        var loaded = await store.LoadAsync("credit", 1);

        Assert.NotNull(loaded);
        Assert.Equal(numbers.Select(BitConverter.DoubleToInt64Bits), loaded["income"].Numbers!.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(categories, loaded["purpose"].Categories);
        Assert.Null(await store.LoadAsync("credit", 2));

        await store.SaveAsync("credit", 1, [new ReferenceColumnValues("age", [1, 2], null)]);
        var replaced = await store.LoadAsync("credit", 1);
        Assert.Equal(["age"], replaced!.Keys);
    }

    [SkippableFact]
    public async Task DeleteVersion_DeletesItsReferenceColumns_AndKeepsOtherVersions()
    {
        await using var scope = Scope();
        var registry = scope.ServiceProvider.GetRequiredService<IRegistryStore>();
        var store = scope.ServiceProvider.GetRequiredService<IReferenceColumnStore>();
        await registry.CreateModelAsync(new NewRegisteredModel("churn", null, []), "alice");
        await registry.CreateVersionAsync(new NewModelVersion { ModelName = "churn", Source = "s3://bucket/churn" }, "alice");
        await registry.CreateVersionAsync(new NewModelVersion { ModelName = "churn", Source = "s3://bucket/churn" }, "alice");
        await store.SaveAsync("churn", 1, [new ReferenceColumnValues("age", [1, 2, 3], null)]);
        await store.SaveAsync("churn", 2, [new ReferenceColumnValues("age", [4, 5, 6], null)]);

        await registry.DeleteVersionAsync("churn", 1, new RegistryCaller("alice", MayChangeProtected: false));

        Assert.Null(await store.LoadAsync("churn", 1));
        Assert.NotNull(await store.LoadAsync("churn", 2));
        await registry.DeleteModelAsync("churn", new RegistryCaller("alice", MayChangeProtected: false));
        Assert.Null(await store.LoadAsync("churn", 2));
    }

    [SkippableFact]
    public async Task WindowRows_CountAndStreamOnlyTheVersionsRowsInTheWindow()
    {
        await using var scope = Scope();
        var predictions = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var window = scope.ServiceProvider.GetRequiredService<IWindowPredictionStore>();
        PredictionRecord Row(string endpoint, int version, long timestamp, int n) => new()
        {
            Id = Guid.CreateVersion7(),
            EndpointName = endpoint,
            ModelName = "credit",
            ModelVersion = version,
            Timestamp = timestamp,
            InputsJson = $$"""{"n": {{n}}}""",
            OutputsJson = """{"score": 0.5}""",
        };
        await predictions.InsertBatchAsync([Row("a", 1, 999, 0), Row("a", 1, 1000, 1), Row("a", 1, 1500, 2), Row("a", 1, 2000, 3), Row("a", 2, 1200, 4), Row("b", 1, 1200, 5)], skipExisting: false);

        Assert.Equal(2, await window.CountAsync("a", "credit", 1, 1000, 2000));
        var rows = new List<LoggedRow>();
        await foreach (var row in window.StreamAsync("a", "credit", 1, 1000, 2000))
        {
            rows.Add(row);
        }

        Assert.Equal(["""{"n": 1}""", """{"n": 2}"""], rows.Select(r => r.InputsJson).Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteReferenceColumnStoreTests() : ReferenceColumnStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresReferenceColumnStoreTests() : ReferenceColumnStoreTests(DatabaseKind.PostgreSql);
