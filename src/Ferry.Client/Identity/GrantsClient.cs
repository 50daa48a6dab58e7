using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Identity;

/// <summary>Per-resource grants (<c>/api/v1/grants</c>): setting or revoking one needs MANAGE on the resource.</summary>
public sealed class GrantsClient
{
    private const string Path = "api/v1/grants";
    private readonly FerryHttp _http;

    internal GrantsClient(FerryHttp http) => _http = http;

    /// <summary>Adds or replaces a principal's grant on a resource.</summary>
    /// <param name="resourceKind">"experiment" or "registered-model".</param>
    /// <param name="resource">An experiment's id or name, or a registered model's name.</param>
    /// <param name="principalKind">"user" or "group".</param>
    /// <param name="principal">A token or group name.</param>
    /// <param name="permission">"READ", "EDIT" or "MANAGE".</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">Not MANAGE on the resource (403), unknown group (404), or invalid fields (400).</exception>
    public Task<GrantView> SetAsync(string resourceKind, string resource, string principalKind, string principal, string permission, CancellationToken cancellationToken = default) =>
        _http.PostAsync<SetGrantRequest, GrantView>(Path, new SetGrantRequest(resourceKind, resource, principalKind, principal, permission), cancellationToken);

    /// <summary>Grants of resources the caller may read, optionally of one resource.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task<GrantList> ListAsync(string? resourceKind = null, string? resource = null, CancellationToken cancellationToken = default) =>
        _http.GetAsync<GrantList>(new QueryString().Add("resourceKind", resourceKind).Add("resource", resource).AppendTo(Path), cancellationToken);

    /// <summary>Removes a grant.</summary>
    /// <exception cref="FerryApiException">No such grant (404), or not MANAGE on the resource (403).</exception>
    public Task RevokeAsync(string resourceKind, string resource, string principalKind, string principal, CancellationToken cancellationToken = default) =>
        _http.DeleteAsync(new QueryString().Add("resourceKind", resourceKind).Add("resource", resource).Add("principalKind", principalKind)
            .Add("principal", principal).AppendTo(Path), cancellationToken);
}
