using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Governance;

/// <summary>
/// Promotion policies, gates and promotion requests (<c>/api/v1/models/{name}/policy</c>, <c>.../gates</c>,
/// <c>.../promotions</c>, <c>/api/v1/promotions</c>). Reading needs a viewer; setting a policy an admin; requesting,
/// approving, rejecting and withdrawing a scientist (the model's policy decides who may approve).
/// </summary>
public sealed class GovernanceClient
{
    private readonly FerryHttp _http;

    internal GovernanceClient(FerryHttp http) => _http = http;

    /// <summary>A model's effective policy.</summary>
    /// <exception cref="FerryApiException">No such model (404), or the server refused.</exception>
    public Task<PolicyView> GetPolicyAsync(string name, CancellationToken cancellationToken = default) =>
        _http.GetAsync<PolicyView>(Model(name) + "/policy", cancellationToken);

    /// <summary>Stores a new policy revision (admin).</summary>
    /// <exception cref="FerryApiException">A value was refused (400), no such model (404), or the server refused.</exception>
    public Task<PolicyView> SetPolicyAsync(string name, PolicyUpdate update, CancellationToken cancellationToken = default) =>
        _http.PutAsync<PolicyUpdate, PolicyView>(Model(name) + "/policy", update, cancellationToken);

    /// <summary>Every stored revision, newest first.</summary>
    /// <exception cref="FerryApiException">No such model (404), or the server refused.</exception>
    public Task<PolicyHistoryView> GetPolicyHistoryAsync(string name, CancellationToken cancellationToken = default) =>
        _http.GetAsync<PolicyHistoryView>(Model(name) + "/policy/history", cancellationToken);

    /// <summary>Evaluates the policy's gates for a version now, against an alias (default champion).</summary>
    /// <exception cref="FerryApiException">No such model or version (404), or the server refused.</exception>
    public Task<GateRunView> RunGatesAsync(string name, int version, string? against = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<GateRunBody, GateRunView>($"{Model(name)}/versions/{version}/gates", new GateRunBody { Against = against }, cancellationToken);

    /// <summary>Opens a promotion request.</summary>
    /// <exception cref="FerryApiException">Invalid target (400), no such model or version (404), or the server refused.</exception>
    public Task<PromotionView> RequestAsync(string name, int version, PromotionRequestBody body, CancellationToken cancellationToken = default) =>
        _http.PostAsync<PromotionRequestBody, PromotionView>($"{Model(name)}/versions/{version}/promotions", body, cancellationToken);

    /// <summary>Requests, newest first, optionally of one model and in one state.</summary>
    public Task<PromotionListView> ListAsync(string? model = null, string? state = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(state))
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        if (!string.IsNullOrEmpty(model))
        {
            query.Add("model=" + Uri.EscapeDataString(model));
        }

        return _http.GetAsync<PromotionListView>("api/v1/promotions" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query)), cancellationToken);
    }

    /// <summary>One request.</summary>
    /// <exception cref="FerryApiException">No such request (404), or the server refused.</exception>
    public Task<PromotionView> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        _http.GetAsync<PromotionView>($"api/v1/promotions/{id}", cancellationToken);

    /// <summary>Approves; the last approval moves the alias or stage.</summary>
    /// <exception cref="FerryApiException">Refused by the policy or four eyes (409), or the server refused.</exception>
    public Task<PromotionView> ApproveAsync(Guid id, string? comment = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<PromotionDecisionBody, PromotionView>($"api/v1/promotions/{id}/approve", new PromotionDecisionBody { Comment = comment }, cancellationToken);

    /// <summary>Rejects.</summary>
    /// <exception cref="FerryApiException">Refused (409), or the server refused.</exception>
    public Task<PromotionView> RejectAsync(Guid id, string? comment = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<PromotionDecisionBody, PromotionView>($"api/v1/promotions/{id}/reject", new PromotionDecisionBody { Comment = comment }, cancellationToken);

    /// <summary>Withdraws (the requester only).</summary>
    /// <exception cref="FerryApiException">Refused (409), or the server refused.</exception>
    public Task<PromotionView> WithdrawAsync(Guid id, CancellationToken cancellationToken = default) =>
        _http.PostAsync<PromotionDecisionBody, PromotionView>($"api/v1/promotions/{id}/withdraw", new PromotionDecisionBody(), cancellationToken);

    private static string Model(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "api/v1/models/" + Uri.EscapeDataString(name);
    }
}
