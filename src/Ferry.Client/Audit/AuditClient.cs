using Ferry.Client.Http;
using Ferry.Core.Audit;
using Ferry.Core.Contracts;
using Ferry.Core.Oversight;

namespace Ferry.Client.Audit;

/// <summary>The audit trail (<c>/api/v1/audit</c>); reading and verifying it needs an approver or admin token.</summary>
public sealed class AuditClient
{
    private const string Path = "api/v1/audit";
    private readonly FerryHttp _http;

    internal AuditClient(FerryHttp http) => _http = http;

    /// <summary>Reads a page of events in chain order; every filter is optional and they combine with AND.</summary>
    /// <param name="actor">Exact actor name.</param>
    /// <param name="action">Exact action, or a prefix ending in '.' ("token.").</param>
    /// <param name="target">Exact target, or a prefix ending in '/' ("token/").</param>
    /// <param name="from">Events at or after this time.</param>
    /// <param name="to">Events strictly before this time.</param>
    /// <param name="after">Only events with a greater sequence (pass the previous page's <see cref="AuditEventList.NextAfter"/>).</param>
    /// <param name="limit">Most events to return (server default 100, at most 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">Invalid filters (400), or the server refused.</exception>
    public Task<AuditEventList> ListAsync(
        string? actor = null,
        string? action = null,
        string? target = null,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        long? after = null,
        int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryString()
            .Add("actor", actor)
            .Add("action", action)
            .Add("target", target)
            .Add("from", from)
            .Add("to", to)
            .Add("after", after)
            .Add("limit", limit);
        return _http.GetAsync<AuditEventList>(query.AppendTo(Path + "/"), cancellationToken);
    }

    /// <summary>Has the server recompute every hash and link of the chain and report the first broken one.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        _http.GetAsync<AuditVerification>($"{Path}/verify", cancellationToken);

    /// <summary>Seals the prediction log up to now (the open hour included), for one endpoint or all.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task<SealResult> SealAsync(string? endpoint = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<object, SealResult>(new QueryString().Add("endpoint", endpoint).AppendTo(Path + "/seal"), new { }, cancellationToken);

    /// <summary>
    /// Has the server recompute the prediction-log seals overlapping [from, to) (default: all) and name the first
    /// altered, missing or unsealed row.
    /// </summary>
    /// <exception cref="FerryApiException">Invalid range (400), or the server refused.</exception>
    public Task<PredictionSealVerification> VerifyPredictionsAsync(
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        string? endpoint = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("from", from).Add("to", to).Add("endpoint", endpoint);
        return _http.GetAsync<PredictionSealVerification>(query.AppendTo(Path + "/verify/predictions"), cancellationToken);
    }
}
