using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Identity;

/// <summary>Groups (<c>/api/v1/groups</c>). Reading needs any token; changes need an admin token.</summary>
public sealed class GroupsClient
{
    private const string Path = "api/v1/groups";
    private readonly FerryHttp _http;

    internal GroupsClient(FerryHttp http) => _http = http;

    /// <summary>Creates a group.</summary>
    /// <exception cref="FerryApiException">The name is taken (409), or the server refused.</exception>
    public Task<GroupView> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<CreateGroupRequest, GroupView>(Path, new CreateGroupRequest(name, description), cancellationToken);

    /// <summary>Every group with its members.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task<GroupList> ListAsync(CancellationToken cancellationToken = default) => _http.GetAsync<GroupList>(Path, cancellationToken);

    /// <summary>One group with its members.</summary>
    /// <exception cref="FerryApiException">No such group (404), or the server refused.</exception>
    public Task<GroupView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        _http.GetAsync<GroupView>($"{Path}/{Uri.EscapeDataString(name)}", cancellationToken);

    /// <summary>Deletes a group, its memberships and the grants given to it.</summary>
    /// <exception cref="FerryApiException">No such group (404), or the server refused.</exception>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        _http.DeleteAsync($"{Path}/{Uri.EscapeDataString(name)}", cancellationToken);

    /// <summary>Adds a member (a token name).</summary>
    /// <exception cref="FerryApiException">No such group (404), or the server refused.</exception>
    public Task<GroupView> AddMemberAsync(string name, string member, CancellationToken cancellationToken = default) =>
        _http.PostAsync<GroupMemberRequest, GroupView>($"{Path}/{Uri.EscapeDataString(name)}/members", new GroupMemberRequest(member), cancellationToken);

    /// <summary>Removes a member.</summary>
    /// <exception cref="FerryApiException">No such group or member (404), or the server refused.</exception>
    public Task<GroupView> RemoveMemberAsync(string name, string member, CancellationToken cancellationToken = default) =>
        _http.DeleteAsync<GroupView>($"{Path}/{Uri.EscapeDataString(name)}/members/{Uri.EscapeDataString(member)}", cancellationToken);
}
