using Ferry.Core.Artifacts;
using Ferry.Server.Hosting;
using Ferry.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>The data directory and everything Ferry writes in it are private to Ferry's user (Unix modes).</summary>
public sealed class DataFileModeTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    [Fact]
    public async Task FreshDataDirectory_DatabaseTokenAndArtifacts_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var parent = new TempDirectory("ferry-modes");
        var data = Path.Combine(parent.Path, "data");
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, options =>
        {
            options.DataDirectory = data;
            options.Database = null; // <data-dir>/ferry.db
            options.AdminToken = null; // generated and written to <data-dir>/admin.token
        });

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data));
        var database = Path.Combine(data, "ferry.db");
        await using var open = await OpenAsync(database);
        foreach (var file in new[] { database, database + "-wal", database + "-shm", FerryServerOptions.AdminTokenFile(data) })
        {
            Assert.True(File.GetUnixFileMode(file) == Private, $"{file} is {File.GetUnixFileMode(file)}");
        }

        var artifacts = server.Services.GetRequiredService<IArtifactStore>();
        await artifacts.PutAsync("1/run/artifacts/model/model.onnx", new MemoryStream([1, 2, 3]));
        await artifacts.GetInfoAsync("1/run/artifacts/model/model.onnx"); // and its hash sidecar
        var root = Path.Combine(data, "artifacts");
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root))
        {
            var expected = Directory.Exists(entry) ? PrivateDirectory : Private;
            Assert.True(File.GetUnixFileMode(entry) == expected, $"{entry} is {File.GetUnixFileMode(entry)}");
        }
    }

    [Fact]
    public async Task ExistingReadableDatabaseAndToken_AreMadePrivate_AtStart()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var data = new TempDirectory("ferry-modes");
        var readable = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead; // 0644, as before this change
        var database = Path.Combine(data.Path, "ferry.db");
        await File.WriteAllBytesAsync(database, []);
        File.SetUnixFileMode(database, readable);
        var token = FerryServerOptions.AdminTokenFile(data.Path);
        await File.WriteAllTextAsync(token, "fry_old");
        File.SetUnixFileMode(token, readable);
        File.SetUnixFileMode(data.Path, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, options =>
        {
            options.DataDirectory = data.Path;
            options.Database = null;
        });

        Assert.Equal(Private, File.GetUnixFileMode(database));
        await using var open = await OpenAsync(database);
        Assert.Equal(Private, File.GetUnixFileMode(database + "-wal"));
        Assert.Equal(Private, File.GetUnixFileMode(database + "-shm"));
        Assert.Equal(Private, File.GetUnixFileMode(token));
        // The directory itself is only reported (it may be shared on purpose).
        Assert.NotEqual(PrivateDirectory, File.GetUnixFileMode(data.Path));
    }

    /// <summary>A connection kept open, so the WAL companions exist (SQLite removes them when the last one closes).</summary>
    private static async Task<SqliteConnection> OpenAsync(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM api_tokens;";
        await command.ExecuteScalarAsync();
        return connection;
    }
}
