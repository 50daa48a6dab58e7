using Ferry.Server.Endpoints.Serving.Grpc.Protocol.Repository;
using Ferry.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>
/// The model-repository extension over gRPC (<c>inference.model_repository.ModelRepositoryService</c>): the index needs
/// a viewer, load and unload a scientist (as deploying does); both are audited.
/// </summary>
[Authorize(Policy = FerryPolicies.Viewer)]
public sealed class GrpcRepositoryService(OipRepository repository) : ModelRepositoryService.ModelRepositoryServiceBase
{
    /// <inheritdoc />
    [ReadOnlyOperation]
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var response = new RepositoryIndexResponse();
        foreach (var entry in await repository.IndexAsync(request.Ready, context.CancellationToken))
        {
            response.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = entry.Name, Version = entry.Version, State = entry.State, Reason = entry.Reason });
        }

        return response;
    });

    /// <inheritdoc />
    [Authorize(Policy = FerryPolicies.Scientist)]
    public override Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await repository.LoadAsync(request.ModelName, context.GetHttpContext().User.ActorName(), context.CancellationToken);
        return new RepositoryModelLoadResponse();
    });

    /// <inheritdoc />
    [Authorize(Policy = FerryPolicies.Scientist)]
    public override Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await repository.UnloadAsync(request.ModelName, context.GetHttpContext().User.ActorName(), context.CancellationToken);
        return new RepositoryModelUnloadResponse();
    });
}
