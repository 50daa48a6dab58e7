using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Pipelines;

/// <summary>Retraining pipelines (<c>/api/v1/pipelines</c>): define them, run them by hand, follow and cancel their runs.</summary>
public sealed class PipelinesClient
{
    private readonly FerryHttp _http;

    internal PipelinesClient(FerryHttp http) => _http = http;

    /// <summary>Creates a pipeline (scientist).</summary>
    public Task<PipelineView> CreateAsync(PipelineBody body, CancellationToken cancellationToken = default) =>
        _http.PostAsync<PipelineBody, PipelineView>("api/v1/pipelines", body, cancellationToken);

    /// <summary>Replaces a pipeline's endpoint, model, experiment, enabled flag and spec (scientist).</summary>
    public Task<PipelineView> UpdateAsync(string name, PipelineBody body, CancellationToken cancellationToken = default) =>
        _http.PutAsync<PipelineBody, PipelineView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}", body, cancellationToken);

    /// <summary>Pipelines, optionally of one endpoint.</summary>
    public async Task<IReadOnlyList<PipelineView>> ListAsync(string? endpoint = null, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<PipelineListView>("api/v1/pipelines" + (endpoint is null ? string.Empty : "?endpoint=" + Uri.EscapeDataString(endpoint)), cancellationToken)).Pipelines;

    /// <summary>One pipeline.</summary>
    public Task<PipelineView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        _http.GetAsync<PipelineView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}", cancellationToken);

    /// <summary>Deletes a pipeline (its runs stay).</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        _http.DeleteAsync($"api/v1/pipelines/{Uri.EscapeDataString(name)}", cancellationToken);

    /// <summary>Fires the pipeline by hand: the firing and its queued run.</summary>
    public Task<PipelineFiredView> RunAsync(string name, CancellationToken cancellationToken = default) =>
        _http.PostAsync<object, PipelineFiredView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}/runs", new { }, cancellationToken);

    /// <summary>A pipeline's runs, newest first.</summary>
    public async Task<IReadOnlyList<PipelineRunView>> ListRunsAsync(string name, int limit = 50, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<PipelineRunListView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}/runs?limit={limit}", cancellationToken)).Runs;

    /// <summary>One run, with its log tails.</summary>
    public Task<PipelineRunView> GetRunAsync(string name, int number, CancellationToken cancellationToken = default) =>
        _http.GetAsync<PipelineRunView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}/runs/{number}", cancellationToken);

    /// <summary>A run's whole standard output (<paramref name="stream"/> = <c>stdout</c>) or error (<c>stderr</c>).</summary>
    public Task<string> GetLogAsync(string name, int number, string stream, CancellationToken cancellationToken = default) =>
        _http.GetTextAsync($"api/v1/pipelines/{Uri.EscapeDataString(name)}/runs/{number}/logs/{stream}", cancellationToken);

    /// <summary>Cancels a queued or training run.</summary>
    public Task<PipelineRunView> CancelAsync(string name, int number, CancellationToken cancellationToken = default) =>
        _http.PostAsync<object, PipelineRunView>($"api/v1/pipelines/{Uri.EscapeDataString(name)}/runs/{number}/cancel", new { }, cancellationToken);
}
