using System.Net.Http.Headers;
using Ferry.Client.Artifacts;
using Ferry.Client.Audit;
using Ferry.Client.Http;
using Ferry.Client.Identity;
using Ferry.Client.Mlflow;
using Ferry.Client.Models;
using Ferry.Client.Registry;
using Ferry.Client.Serving;
using Ferry.Client.Tracking;

namespace Ferry.Client;

/// <summary>
/// A typed client for a Ferry server. Each feature of the API has its own sub-client
/// (<see cref="Tracking"/>, <see cref="Artifacts"/>, <see cref="Registry"/>, <see cref="Models"/>, <see cref="Tokens"/>,
/// <see cref="Audit"/>); errors arrive as <see cref="FerryApiException"/>,
/// an unreachable server as <see cref="HttpRequestException"/>.
/// </summary>
public sealed class FerryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly FerryHttp _requests;

#pragma warning disable RS0030 // composition root of the client library (the constructors without a clock)
    private static TimeProvider SystemClock => TimeProvider.System;
#pragma warning restore RS0030

    /// <summary>Uses an <see cref="HttpClient"/> the caller configured (base address, authorization, handlers) and still owns.</summary>
    /// <param name="http">A client whose <see cref="HttpClient.BaseAddress"/> is the server's address.</param>
    public FerryClient(HttpClient http)
        : this(http, ownsHttp: false, SystemClock)
    {
    }

    /// <summary>Uses an <see cref="HttpClient"/> the caller configured and still owns, and <paramref name="clock"/> for the times the client records (run start and end).</summary>
    /// <param name="http">A client whose <see cref="HttpClient.BaseAddress"/> is the server's address.</param>
    /// <param name="clock">The clock for the times the client stamps itself (a fake one in tests).</param>
    public FerryClient(HttpClient http, TimeProvider clock)
        : this(http, ownsHttp: false, clock)
    {
    }

    /// <summary>Creates a client for <paramref name="server"/> that sends <c>Authorization: Bearer <paramref name="token"/></c>.</summary>
    /// <param name="server">The server's base address ("http://127.0.0.1:5077").</param>
    /// <param name="token">A Ferry API token; null for the anonymous routes only (health).</param>
    public FerryClient(Uri server, string? token)
        : this(CreateHttpClient(server, token), ownsHttp: true, SystemClock)
    {
    }

    private FerryClient(HttpClient http, bool ownsHttp, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(clock);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the Ferry server's address).", nameof(http));
        }

        _http = http;
        _ownsHttp = ownsHttp;
        _requests = new FerryHttp(http);
        Tokens = new TokensClient(_requests);
        Groups = new GroupsClient(_requests);
        Grants = new GrantsClient(_requests);
        Audit = new AuditClient(_requests);
        var mlflow = new MlflowHttp(http);
        Tracking = new TrackingClient(mlflow, clock);
        Artifacts = new ArtifactsClient(mlflow, Tracking);
        Registry = new RegistryClient(mlflow, Tracking);
        Models = new ModelsClient(_requests);
        Endpoints = new EndpointsClient(http);
        Predictions = new PredictionsClient(http);
        Monitoring = new Monitoring.MonitoringClient(http);
        Governance = new Governance.GovernanceClient(_requests);
        Reviews = new Oversight.ReviewsClient(http);
        Subjects = new Oversight.SubjectsClient(http);
        PipelineFirings = new Pipelines.PipelineFiringsClient(_requests);
        Datasets = new Pipelines.DatasetsClient(_requests, http);
        Rollouts = new Pipelines.RolloutsClient(http);
        Pipelines = new Pipelines.PipelinesClient(_requests);
        Evaluations = new Pipelines.EvaluationsClient(http);
    }

    /// <summary>Canary ramps: start one by hand, list, show, cancel.</summary>
    public Pipelines.RolloutsClient Rollouts { get; }

    /// <summary>Retraining pipelines and their runs.</summary>
    public Pipelines.PipelinesClient Pipelines { get; }

    /// <summary>Human reviews of logged predictions, review settings, override counts and the review queue.</summary>
    public Oversight.ReviewsClient Reviews { get; }

    /// <summary>Data-subject rights: subject fields, export and erasure.</summary>
    public Oversight.SubjectsClient Subjects { get; }

    /// <summary>Promotion policies, gates and promotion requests.</summary>
    public Governance.GovernanceClient Governance { get; }

    /// <summary>Trigger firings of the loop's pipelines: what fired each, when, and whether a run started.</summary>
    public Pipelines.PipelineFiringsClient PipelineFirings { get; }

    /// <summary>Monitoring: reference profiles, monitors, reports, alerts, webhooks.</summary>
    public Monitoring.MonitoringClient Monitoring { get; }

    /// <summary>Training sets materialised from production: build, list, show, download.</summary>
    public Pipelines.DatasetsClient Datasets { get; }

    /// <summary>Challenger evaluations of the closed loop.</summary>
    public Pipelines.EvaluationsClient Evaluations { get; }

    /// <summary>The server this client talks to.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Token management.</summary>
    public TokensClient Tokens { get; }

    /// <summary>Groups of tokens (per-resource permissions).</summary>
    public GroupsClient Groups { get; }

    /// <summary>Per-resource grants on experiments and registered models.</summary>
    public GrantsClient Grants { get; }

    /// <summary>The audit trail.</summary>
    public AuditClient Audit { get; }

    /// <summary>Experiment tracking (MLflow's REST API): experiments, runs, params, metrics, tags, search.</summary>
    public TrackingClient Tracking { get; }

    /// <summary>Artifact files through MLflow's artifact proxy: upload, download, list.</summary>
    public ArtifactsClient Artifacts { get; }

    /// <summary>The model registry (MLflow's REST API): registered models, versions, aliases.</summary>
    public RegistryClient Registry { get; }

    /// <summary>Ferry's own views of registered models (<c>/api/v1/models</c>): flavor, signature, aliases.</summary>
    public ModelsClient Models { get; }

    /// <summary>Endpoint management (<c>/api/v1/endpoints</c>): deploy, roll back, batching, delete.</summary>
    public EndpointsClient Endpoints { get; }

    /// <summary>Scoring: predict against an endpoint, and its input metadata.</summary>
    public PredictionsClient Predictions { get; }

    /// <summary>True when the server answers <c>/readyz</c> with success (database reachable and migrated);
    /// false when it answers otherwise or cannot be reached.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _requests.SucceedsAsync("readyz", cancellationToken);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static HttpClient CreateHttpClient(Uri server, string? token)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsAbsoluteUri)
        {
            throw new ArgumentException("The server address must be absolute (http://host:port).", nameof(server));
        }

        // A trailing slash makes relative request paths land under the base path, not beside it.
        var baseAddress = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        var http = new HttpClient { BaseAddress = baseAddress };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
