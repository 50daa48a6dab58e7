using System.Text.Json;
using Ferry.Core.Artifacts;

namespace Ferry.Server.References;

/// <summary>
/// Uploaded reference rows waiting for their job: one private file (0600, in a 0700 folder) per job under
/// <c>&lt;data-dir&gt;/staging/reference</c>, written before the job is recorded and deleted when it ends, so a job
/// queued or running when the process stops is run again from its file after the restart.
/// </summary>
public sealed class ReferenceStaging
{
    private readonly string _directory;

    /// <summary>Stages under <paramref name="dataDirectory"/>.</summary>
    public ReferenceStaging(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _directory = Path.Combine(dataDirectory, "staging", "reference");
    }

    /// <summary>The file name a job's rows are staged under.</summary>
    public static string FileName(Guid job) => job.ToString("N") + ".json";

    /// <summary>Writes the upload (the request's JSON body) to a private file, through a temporary one renamed into place.</summary>
    public async Task WriteAsync(string fileName, JsonElement body, CancellationToken cancellationToken)
    {
        PrivateDirectories.Create(_directory);
        var path = PathOf(fileName);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateDirectories.FileMode;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await using (var writer = new Utf8JsonWriter(stream))
            {
                body.WriteTo(writer);
            }

            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Whether a job's rows are staged here.</summary>
    public bool Exists(string fileName) => File.Exists(PathOf(fileName));

    /// <summary>Reads a job's staged upload.</summary>
    public async Task<JsonDocument> ReadAsync(string fileName, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(PathOf(fileName), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken);
    }

    /// <summary>Deletes a job's staged upload (nothing when it is gone).</summary>
    public void Delete(string fileName) => File.Delete(PathOf(fileName));

    private string PathOf(string fileName)
    {
        if (fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal) || fileName.StartsWith('.'))
        {
            throw new ArgumentException($"'{fileName}' is not a staged file name.", nameof(fileName));
        }

        return Path.Combine(_directory, fileName);
    }
}
