using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol;
using Ferry.Server.Identity;
using Ferry.Server.Serving;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC (KServe's <c>inference.GRPCInferenceService</c>): the same answers as the
/// <c>/v2</c> REST routes, through the same request parsing and validation (<see cref="OipRequest"/>), router,
/// prediction log and metrics. Needs a viewer token in the <c>authorization</c> metadata when auth is on; every RPC
/// only reads (inference is read-only as predict is).
/// </summary>
[Authorize(Policy = FerryPolicies.Viewer)]
[ReadOnlyOperation]
public sealed class GrpcInferenceService(Router router, PolicyCache policies, ModelCache models, DatabaseReadiness readiness) : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <inheritdoc />
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <inheritdoc />
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = readiness.IsReady });

    /// <inheritdoc />
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse
        {
            Name = "ferry",
            Version = typeof(OipApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Extensions = { OipApi.RepositoryExtension },
        });

    /// <inheritdoc />
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(context);
        var (_, route) = await OipApi.FindAsync(request.Name, Version(request.Name, request.Version), policies, context.CancellationToken);
        try
        {
            using var lease = await models.AcquireAsync(route, context.CancellationToken);
            return new ModelReadyResponse { Ready = true };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ModelReadyResponse { Ready = false };
        }
    });

    /// <inheritdoc />
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(context);
        var (policy, route) = await OipApi.FindAsync(request.Name, Version(request.Name, request.Version), policies, context.CancellationToken);
        using var lease = await models.AcquireAsync(route, context.CancellationToken);
        var signature = lease.Model.Signature;
        var response = new ModelMetadataResponse { Name = request.Name, Platform = OipApi.Platform(route.Flavor), Versions = { OipApi.WeightedVersions(policy) } };
        response.Inputs.AddRange(signature.Inputs.Where(i => !i.Optional).Select(Tensor));
        response.Outputs.AddRange(signature.Outputs.Select(Tensor));
        return response;
    });

    /// <inheritdoc />
    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) => GrpcCalls.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var version = Version(request.ModelName, request.ModelVersion);
        // The parsed request reads its values from the document while binding: it lives until the call is answered.
        using var document = GrpcTensors.ToJson(request);
        var parsed = OipRequest.Parse(document.RootElement);

        var served = await router.PredictAsync(request.ModelName, version, model => parsed.Bind(model), context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unavailable,
                "the prediction log's buffer stayed full, so the request was not answered (no prediction ids were issued); retry shortly"));
        var raw = request.RawInputContents.Count > 0;
        var response = new ModelInferResponse
        {
            ModelName = request.ModelName,
            ModelVersion = served.Route.Version.ToString(CultureInfo.InvariantCulture),
            Id = parsed.Id ?? Guid.CreateVersion7().ToString(),
        };
        response.Parameters["prediction_ids"] = new InferParameter { StringParam = string.Join(',', served.Ids) };
        if (served.Fallback is not null)
        {
            // Suspended: as REST answers it (BYTES tensors named after the fallback's members), and marked.
            response.Parameters["suspended"] = new InferParameter { BoolParam = true };
            await context.WriteResponseHeadersAsync(new Metadata { { "ferry-suspended", "true" } });
        }

        foreach (var output in served.Fallback is null ? parsed.SelectOutputs(served.Result.Outputs) : served.Result.Outputs)
        {
            var (tensor, bytes) = GrpcTensors.ToOutput(output, raw);
            response.Outputs.Add(tensor);
            if (bytes is not null)
            {
                response.RawOutputContents.Add(bytes);
            }
        }

        return response;
    });

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(Core.Signatures.TensorSpec spec)
    {
        var (datatype, shape) = OipApi.Describe(spec);
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = datatype };
        tensor.Shape.AddRange(shape.Select(d => (long)d));
        return tensor;
    }

    // Empty: the version the endpoint routes to. Anything but a whole number names no version.
    private static int? Version(string name, string version) =>
        version.Length == 0 ? null
        : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
        : throw new NotFoundException($"Model {name} with version {version} not found.");
}
