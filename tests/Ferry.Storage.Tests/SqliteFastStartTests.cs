using Ferry.Storage.Sqlite;
using Ferry.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit;

namespace Ferry.Storage.Tests;

/// <summary>
/// SQLite's fast start: a brand-new database is created from the embedded schema script and contexts use the compiled
/// model. Both are generated (eng/schema-scripts.sh); these tests fail when a migration or an entity changed without
/// regenerating them.
/// </summary>
public sealed class SqliteFastStartTests
{
    [Fact]
    public void EmbeddedSchemaScript_IsMigratorsScript_OfEveryMigration()
    {
        using var db = Context("Data Source=:memory:", compiledModel: false);
        var expected = db.GetService<IMigrator>().GenerateScript();

        Assert.Equal(Normalize(expected), Normalize(new SqliteStorage.SqliteEmptySchema().Script));
    }

    [Fact]
    public async Task ScriptAndMigrator_CreateSameSchema_AndHistory()
    {
        using var directory = new TempDirectory("fast-start");
        var scripted = SqliteStorage.ConnectionStringFor(Path.Combine(directory.Path, "scripted.db"));
        var migrated = SqliteStorage.ConnectionStringFor(Path.Combine(directory.Path, "migrated.db"));
        await using (var db = Context(scripted, compiledModel: true))
        {
            await DatabaseMigrator.MigrateAsync(db, null, new SqliteStorage.SqliteEmptySchema());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        await using (var db = Context(migrated, compiledModel: false))
        {
            await db.Database.MigrateAsync();
        }

        Assert.Equal(await SchemaAsync(migrated), await SchemaAsync(scripted));
    }

    [Fact]
    public void CompiledModel_MatchesModelBuilt_FromEntityConfigurations()
    {
        using var compiled = Context("Data Source=:memory:", compiledModel: true);
        using var built = Context("Data Source=:memory:", compiledModel: false);

        Assert.Equal(Describe(built.Model), Describe(compiled.Model));
    }

    [Fact]
    public void PredictionBulkPath_WritesEveryColumnOfTheModel()
    {
        using var db = Context("Data Source=:memory:", compiledModel: true);
        var entity = db.Model.FindEntityType(typeof(Ferry.Core.Serving.PredictionRecord))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());

        // A property added to the prediction record must be added to SQLite's raw insert too (it would be left null).
        Assert.Equal(
            entity.GetProperties().Select(p => p.GetColumnName(table)!).Order(StringComparer.Ordinal),
            SqlitePredictionCopy.Columns.Order(StringComparer.Ordinal));
    }

    private static FerryDbContext Context(string connectionString, bool compiledModel)
    {
        var builder = new DbContextOptionsBuilder<FerryDbContext>();
        builder.UseFerrySqlite(connectionString, compiledModel);
        return new FerryDbContext(builder.Options);
    }

    private static string Normalize(string script) => script.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static List<string> Describe(Microsoft.EntityFrameworkCore.Metadata.IModel model) =>
        [.. model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e =>
            e.GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p =>
                $"{e.GetTableName()}.{p.GetColumnName()} {p.GetColumnType()} null={p.IsNullable} max={p.GetMaxLength()} conv={p.GetValueConverter()?.GetType().Name}")
            .Concat(e.GetIndexes().Select(i => $"{e.GetTableName()} index {string.Join(",", i.Properties.Select(p => p.Name))} unique={i.IsUnique}"))
            .Concat(e.GetKeys().Select(k => $"{e.GetTableName()} key {string.Join(",", k.Properties.Select(p => p.Name))}")))];

    private static async Task<List<string>> SchemaAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            // EF's migrator also creates its lock table, which it creates again whenever it next migrates.
            command.CommandText = "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name <> '__EFMigrationsLock' ORDER BY type, name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add("history " + reader.GetString(0));
            }
        }

        return rows;
    }
}
