using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Pipelines;

/// <summary>
/// Training sets materialised from an endpoint's prediction log (<c>/api/v1/datasets</c>): build (scientist), list,
/// show and download (viewer).
/// </summary>
public sealed class DatasetsClient
{
    private readonly FerryHttp _requests;
    private readonly HttpClient _http;

    internal DatasetsClient(FerryHttp requests, HttpClient http)
    {
        _requests = requests;
        _http = http;
    }

    /// <summary>Builds a dataset; the answer comes once its files are stored.</summary>
    /// <exception cref="FerryApiException">A value was refused (400), the endpoint is unknown (404), the name is taken (409), or the server refused.</exception>
    public Task<DatasetView> BuildAsync(DatasetBuildBody body, CancellationToken cancellationToken = default) =>
        _requests.PostAsync<DatasetBuildBody, DatasetView>("api/v1/datasets", body, cancellationToken);

    /// <summary>Datasets, newest first, optionally of one endpoint.</summary>
    public async Task<IReadOnlyList<DatasetView>> ListAsync(string? endpoint = null, int? limit = null, CancellationToken cancellationToken = default) =>
        (await _requests.GetAsync<DatasetListView>(new QueryString().Add("endpoint", endpoint).Add("limit", limit).AppendTo("api/v1/datasets"), cancellationToken)).Datasets;

    /// <summary>One dataset.</summary>
    /// <exception cref="FerryApiException">No such dataset (404), or the server refused.</exception>
    public Task<DatasetView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        _requests.GetAsync<DatasetView>("api/v1/datasets/" + Uri.EscapeDataString(name), cancellationToken);

    /// <summary>Copies a dataset's Parquet file (<c>train</c> or <c>holdout</c>) into <paramref name="destination"/>; returns the bytes copied.</summary>
    /// <exception cref="FerryApiException">No such dataset or part (404), or the server refused.</exception>
    public async Task<long> DownloadAsync(string name, Stream destination, string part = "train", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var path = $"api/v1/datasets/{Uri.EscapeDataString(name)}/file?part={Uri.EscapeDataString(part)}";
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var start = destination.CanSeek ? destination.Position : 0;
        await body.CopyToAsync(destination, cancellationToken);
        return destination.CanSeek ? destination.Position - start : -1;
    }
}
