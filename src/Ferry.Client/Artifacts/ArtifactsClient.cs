using System.Net.Http.Headers;
using System.Net.Http.Json;
using Ferry.Client.Http;
using Ferry.Client.Mlflow;
using Ferry.Client.Tracking;

namespace Ferry.Client.Artifacts;

/// <summary>
/// Files through MLflow's artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts</c>). Paths are relative to the
/// server's artifact root (<c>1/&lt;run&gt;/artifacts/model/model.onnx</c>) or written as <c>mlflow-artifacts:/</c> URIs.
/// Uploads and downloads stream; nothing is buffered whole in memory.
/// </summary>
public sealed class ArtifactsClient
{
    private readonly MlflowHttp _http;
    private readonly TrackingClient _tracking;

    internal ArtifactsClient(MlflowHttp http, TrackingClient tracking)
    {
        _http = http;
        _tracking = tracking;
    }

    /// <summary>Uploads <paramref name="content"/> (read from its current position to its end) as the file at <paramref name="destination"/>,
    /// replacing any file there.</summary>
    /// <param name="destination">A file path under the artifact root, or an <c>mlflow-artifacts:/</c> URI.</param>
    /// <param name="content">The bytes; not closed.</param>
    /// <param name="progress">Receives the number of bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file's <c>mlflow-artifacts:/</c> URI.</returns>
    /// <exception cref="FerryApiException">An unsafe path (INVALID_PARAMETER_VALUE), a body over the server's limit, or the server refused.</exception>
    public async Task<string> UploadAsync(string destination, Stream content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = ArtifactUris.ToPath(destination);
        long? length = content.CanSeek ? content.Length - content.Position : null;
        var body = progress is null ? content : new ProgressStream(content, progress);
        using var streamContent = new StreamContent(new NonClosingStream(body));
        streamContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        streamContent.Headers.ContentLength = length;
        using var request = new HttpRequestMessage(HttpMethod.Put, MlflowHttp.Relative(MlflowHttp.Artifacts + "/" + ArtifactUris.Encode(path)))
        {
            Content = streamContent,
        };
        using var response = await _http.SendRawAsync(request, cancellationToken);
        return ArtifactUris.ToUri(path);
    }

    /// <summary>Uploads a local file to <paramref name="destination"/>.</summary>
    /// <inheritdoc cref="UploadAsync(string, Stream, IProgress{long}?, CancellationToken)" />
    public async Task<string> UploadFileAsync(string destination, string localFile, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var file = OpenRead(localFile);
        return await UploadAsync(destination, file, progress, cancellationToken);
    }

    /// <summary>Uploads a local file into a run's artifacts, as <c>mlflow.log_artifact(localFile, artifactDirectory)</c> does.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="localFile">The file; its name is kept.</param>
    /// <param name="artifactDirectory">A directory under the run's artifacts (e.g. <c>model</c>); null for the top.</param>
    /// <param name="progress">Receives the number of bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file's <c>mlflow-artifacts:/</c> URI.</returns>
    /// <exception cref="FerryApiException">No such run (404), or the server refused.</exception>
    public async Task<string> UploadToRunAsync(string runId, string localFile, string? artifactDirectory = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var root = await RunArtifactPathAsync(runId, cancellationToken);
        return await UploadFileAsync(ArtifactUris.Combine(root, artifactDirectory, Path.GetFileName(localFile)), localFile, progress, cancellationToken);
    }

    /// <summary>The artifact-root-relative directory of a run's artifacts (<c>1/&lt;run&gt;/artifacts</c>).</summary>
    /// <exception cref="FerryApiException">No such run (404), or the server refused.</exception>
    public async Task<string> RunArtifactPathAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await _tracking.GetRunAsync(runId, cancellationToken);
        return ArtifactUris.ToPath(run.Info.ArtifactUri
            ?? throw new FerryApiException(System.Net.HttpStatusCode.OK, "Unexpected response", $"run {runId} has no artifact_uri"));
    }

    /// <summary>Copies the file at <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">A file path under the artifact root, or an <c>mlflow-artifacts:/</c> URI.</param>
    /// <param name="destination">Where the bytes go; not closed.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="FerryApiException">No such file (RESOURCE_DOES_NOT_EXIST), or the server refused.</exception>
    public async Task DownloadAsync(string source, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var path = ArtifactUris.ToPath(source);
        using var request = new HttpRequestMessage(HttpMethod.Get, MlflowHttp.Relative(MlflowHttp.Artifacts + "/" + ArtifactUris.Encode(path)));
        using var response = await _http.SendRawAsync(request, cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The entries directly under a directory; empty for a file, a missing or an empty directory.</summary>
    /// <param name="directory">A directory under the artifact root, or an <c>mlflow-artifacts:/</c> URI; null or "" for the root.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<IReadOnlyList<ArtifactFile>> ListAsync(string? directory = null, CancellationToken cancellationToken = default)
    {
        var path = string.IsNullOrEmpty(directory) ? null : ArtifactUris.ToPath(directory);
        using var request = new HttpRequestMessage(HttpMethod.Get, MlflowHttp.Relative(new QueryString().Add("path", path).AppendTo(MlflowHttp.Artifacts)));
        using var response = await _http.SendRawAsync(request, cancellationToken);
        var listing = await response.Content.ReadFromJsonAsync<ListArtifactsResponse>(MlflowJson.Options, cancellationToken);
        return listing?.Files ?? [];
    }

    /// <summary>Deletes a file or a directory tree.</summary>
    /// <param name="path">A path under the artifact root, or an <c>mlflow-artifacts:/</c> URI.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, MlflowHttp.Relative(MlflowHttp.Artifacts + "/" + ArtifactUris.Encode(ArtifactUris.ToPath(path))));
        using var response = await _http.SendRawAsync(request, cancellationToken);
    }

    private static FileStream OpenRead(string localFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        return new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, useAsync: true);
    }
}
