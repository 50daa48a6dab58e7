using System.Security.Claims;
using Ferry.Core.Artifacts;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Governance;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Endpoint management (<c>/api/v1/endpoints</c>): viewers read; scientists deploy, roll back, tune batching,
/// set durability and delete. Every change is one audited policy switch. Deploying can only point at what the registry already holds
/// (it never moves an alias or a stage), so the registry's protections (the champion alias, Production) stay whole.
/// </summary>
public static class EndpointsApi
{
    /// <summary>Maps the endpoint-management routes.</summary>
    public static IEndpointRouteBuilder MapEndpointsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints").WithTags("Endpoints").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListEndpoints").WithSummary("Every endpoint with its active routes, aliases resolved.");
        group.MapGet("/{name}", GetAsync).WithName("GetEndpoint")
            .WithSummary("An endpoint: active revision, routes with the versions serving now, batching, and every revision.");
        group.MapPut("/{name}", DeployAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("DeployEndpoint")
            .WithSummary("Creates the endpoint or switches it to a new policy revision: {\"routes\":[{\"model\",\"version\"|\"alias\",\"role\",\"weight\"}],\"force\"}.");
        group.MapPost("/{name}/rollback", RollbackAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RollbackEndpoint")
            .WithSummary("Re-activates the revision before the active one, as a new revision.");
        group.MapPut("/{name}/batching", SetBatchingAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetEndpointBatching")
            .WithSummary("Sets adaptive batching: {\"maxBatchSize\" (1 = off), \"maxDelayMicros\"}.");
        group.MapPut("/{name}/durability", SetDurabilityAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetEndpointDurability")
            .WithSummary("Sets prediction-log durability: {\"durability\": \"buffered\" (answer once queued, the default) or \"durable\" (answer once committed)}.");
        group.MapPut("/{name}/invocations-output", SetInvocationsOutputAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetEndpointInvocationsOutput")
            .WithSummary("Sets what /invocations answers per row, as MLflow's pyfunc_predict_fn: {\"invocationsOutput\": \"predict\" (labels, the default), \"predict_proba\" or \"outputs\"}.");
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("DeleteEndpoint")
            .WithSummary("Deletes the endpoint and its policy history (its prediction log stays).");
        return routes;
    }

    /// <summary>Lists the endpoints.</summary>
    public static async Task<IResult> ListAsync(IEndpointStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var endpoints = await store.ListAsync(cancellationToken);
        var views = new List<EndpointSummaryView>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            views.Add(EndpointsViews.Summary(endpoint, await store.ResolveAsync(endpoint.Name, cancellationToken)));
        }

        return TypedResults.Json(new EndpointListView(views), EndpointsJsonContext.Default.EndpointListView);
    }

    /// <summary>One endpoint.</summary>
    public static async Task<IResult> GetAsync(string name, IEndpointStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var endpoint = await store.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Deploys a policy (creating the endpoint on first use).</summary>
    public static async Task<IResult> DeployAsync(string name, HttpRequest request, IEndpointStore store, PolicyCache policies, IRegistryStore registry, IArtifactStore artifacts,
        DeploymentGuard governance, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        var body = await EndpointsRequests.ReadAsync(request, EndpointsJsonContext.Default.DeployBody);
        var routes = EndpointsRequests.Routes(body);
        var output = EndpointsRequests.InvocationsOutput(body.InvocationsOutput, required: false);
        await PythonFlavorCheck.ThrowIfAnyAsync(routes, registry, artifacts, cancellationToken);
        await governance.CheckAsync(routes, cancellationToken);
        var endpoint = await store.DeployAsync(name, routes, body.Force, user.ActorName(), cancellationToken);
        if (output is { } chosen && chosen != endpoint.InvocationsOutput)
        {
            endpoint = await store.SetInvocationsOutputAsync(name, chosen, user.ActorName(), cancellationToken);
        }

        // Load the new versions and switch this replica's policy now (others follow within the refresh interval).
        await policies.RefreshAsync(name, cancellationToken);
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Rolls back to the revision before the active one.</summary>
    public static async Task<IResult> RollbackAsync(string name, IEndpointStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        var endpoint = await store.RollbackAsync(name, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Sets adaptive batching.</summary>
    public static async Task<IResult> SetBatchingAsync(string name, HttpRequest request, IEndpointStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        var (size, delay) = EndpointsRequests.Batching(await EndpointsRequests.ReadAsync(request, EndpointsJsonContext.Default.BatchingBody));
        var endpoint = await store.SetBatchingAsync(name, size, delay, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Sets prediction-log durability.</summary>
    public static async Task<IResult> SetDurabilityAsync(string name, HttpRequest request, IEndpointStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        var durability = EndpointsRequests.Durability(await EndpointsRequests.ReadAsync(request, EndpointsJsonContext.Default.DurabilityBody));
        var endpoint = await store.SetDurabilityAsync(name, durability, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Sets what the MLflow scoring route answers.</summary>
    public static async Task<IResult> SetInvocationsOutputAsync(string name, HttpRequest request, IEndpointStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        var body = await EndpointsRequests.ReadAsync(request, EndpointsJsonContext.Default.InvocationsOutputBody);
        var output = EndpointsRequests.InvocationsOutput(body.InvocationsOutput, required: true)!.Value;
        var endpoint = await store.SetInvocationsOutputAsync(name, output, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return await ViewAsync(endpoint, store, cancellationToken);
    }

    /// <summary>Deletes an endpoint.</summary>
    public static async Task<IResult> DeleteAsync(string name, IEndpointStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        await store.DeleteAsync(name, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ViewAsync(ServingEndpoint endpoint, IEndpointStore store, CancellationToken cancellationToken) =>
        TypedResults.Json(EndpointsViews.Detail(endpoint, await store.ResolveAsync(endpoint.Name, cancellationToken)), EndpointsJsonContext.Default.EndpointView);
}
