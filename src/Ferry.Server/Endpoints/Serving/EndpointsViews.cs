using Ferry.Core.Contracts;
using Ferry.Core.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Turns stored endpoints (and their resolved active policy) into the API's views.</summary>
internal static class EndpointsViews
{
    public static EndpointView Detail(ServingEndpoint endpoint, ResolvedPolicy? resolved) => new EndpointView(
        endpoint.Name,
        endpoint.ActiveRevision,
        ActiveRoutes(endpoint, resolved),
        Batching(endpoint),
        endpoint.CreatedBy,
        At(endpoint.CreatedAt),
        At(endpoint.UpdatedAt),
        [.. endpoint.Policies.OrderBy(p => p.Revision).Select(p => new RevisionView(
            p.Revision,
            p.Revision == endpoint.ActiveRevision,
            p.CreatedBy,
            At(p.CreatedAt),
            [.. p.Routes.Select(r => Route(r, null))]))],
        DurabilityName(endpoint.Durability),
        InvocationsOutputNames.Of(endpoint.InvocationsOutput))
    {
        Suspended = resolved?.Oversight?.Suspended == true,
        SuspendedBy = Suspension(resolved)?.SuspendedBy,
        SuspendedAt = Suspension(resolved)?.SuspendedAt is { } at ? At(at) : null,
        SuspendReason = Suspension(resolved)?.SuspendReason,
    };

    public static EndpointSummaryView Summary(ServingEndpoint endpoint, ResolvedPolicy? resolved) =>
        new EndpointSummaryView(endpoint.Name, endpoint.ActiveRevision, ActiveRoutes(endpoint, resolved), Batching(endpoint), At(endpoint.UpdatedAt), DurabilityName(endpoint.Durability),
            InvocationsOutputNames.Of(endpoint.InvocationsOutput))
        {
            Suspended = resolved?.Oversight?.Suspended == true,
            SuspendedBy = Suspension(resolved)?.SuspendedBy,
            SuspendedAt = Suspension(resolved)?.SuspendedAt is { } at ? At(at) : null,
            SuspendReason = Suspension(resolved)?.SuspendReason,
        };

    // The oversight settings while suspended (who, when and why are shown only then).
    private static Core.Oversight.EndpointOversight? Suspension(ResolvedPolicy? resolved) =>
        resolved?.Oversight is { Suspended: true } suspended ? suspended : null;

    public static string DurabilityName(PredictionDurability durability) =>
        durability == PredictionDurability.Durable ? EndpointDurabilityNames.Durable : EndpointDurabilityNames.Buffered;

    public static string RoleName(RouteRole role) => role == RouteRole.Shadow ? "shadow" : "weighted";

    private static RouteView[] ActiveRoutes(ServingEndpoint endpoint, ResolvedPolicy? resolved) =>
        endpoint.Policies.FirstOrDefault(p => p.Revision == endpoint.ActiveRevision) is { } active
            ? [.. active.Routes.Select(r => Route(r, resolved))]
            : [];

    private static RouteView Route(TrafficRoute route, ResolvedPolicy? resolved)
    {
        var match = resolved?.Routes.FirstOrDefault(r => r.ModelName == route.ModelName && r.Role == route.Role
            && (route.Alias is null ? r.Alias is null && r.Version == route.Version : r.Alias == route.Alias));
        return new RouteView(route.ModelName, route.Version, route.Alias, RoleName(route.Role), route.Weight, match?.Version, match?.Flavor);
    }

    private static BatchingView Batching(ServingEndpoint endpoint) => new(endpoint.MaxBatchSize, endpoint.MaxBatchDelayMicros);

    private static DateTimeOffset At(long epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds);
}
