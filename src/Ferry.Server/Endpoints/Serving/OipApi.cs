using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// The Open Inference Protocol v2 (REST): health, server and model metadata, model readiness and inference, with the
/// endpoint name as the model name and <c>/versions/{v}</c> addressing one of its versions directly (no weights, no
/// shadows). Errors are <c>{"error": "..."}</c>. Every route needs a viewer token when auth is on, like the rest of
/// the API (unauthenticated probes use <c>/healthz</c> and <c>/readyz</c>); inference is marked read-only as predict is.
/// </summary>
public static partial class OipApi
{
    /// <summary>Maps the <c>/v2</c> routes.</summary>
    public static IEndpointRouteBuilder MapOipApi(this IEndpointRouteBuilder routes)
    {
        var v2 = routes.MapGroup("/v2").WithTags("Open Inference Protocol").RequireAuthorization(FerryPolicies.Viewer);
        v2.MapGet("/", ServerMetadataAsync).WithName("OipServerMetadata");
        v2.MapGet("/health/live", LiveAsync).WithName("OipLive");
        v2.MapGet("/health/ready", ReadyAsync).WithName("OipReady");
        v2.MapGet("/models/{name}", (string name, HttpContext c, PolicyCache p, ModelCache m, CancellationToken t) => ModelMetadataAsync(name, null, c, p, m, t))
            .WithName("OipModelMetadata");
        v2.MapGet("/models/{name}/versions/{version:int}", ModelMetadataAsync).WithName("OipModelVersionMetadata");
        v2.MapGet("/models/{name}/ready", (string name, HttpContext c, PolicyCache p, ModelCache m, CancellationToken t) => ModelReadyAsync(name, null, c, p, m, t))
            .WithName("OipModelReady");
        v2.MapGet("/models/{name}/versions/{version:int}/ready", ModelReadyAsync).WithName("OipModelVersionReady");
        v2.MapPost("/models/{name}/infer", (string name, HttpContext c, Router r, CancellationToken t) => InferAsync(name, null, c, r, t))
            .WithMetadata(new ReadOnlyOperationAttribute()).WithName("OipInfer");
        v2.MapPost("/models/{name}/versions/{version:int}/infer", InferAsync).WithMetadata(new ReadOnlyOperationAttribute()).WithName("OipVersionInfer");
        MapRepository(v2);
        return routes;
    }

    /// <summary><c>{"name", "version", "extensions"}</c>.</summary>
    public static Task ServerMetadataAsync(HttpContext context) => WriteAsync(context, writer =>
    {
        writer.WriteString("name", "ferry");
        writer.WriteString("version", typeof(OipApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        writer.WriteStartArray("extensions");
        writer.WriteStringValue(RepositoryExtension);
        writer.WriteEndArray();
    });

    /// <summary><c>{"live": true}</c> whenever the process answers.</summary>
    public static Task LiveAsync(HttpContext context) => WriteAsync(context, writer => writer.WriteBoolean("live", true));

    /// <summary><c>{"ready": true}</c> once the database is migrated (models load on first use).</summary>
    public static Task ReadyAsync(HttpContext context, DatabaseReadiness readiness)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        return readiness.IsReady
            ? WriteAsync(context, writer => writer.WriteBoolean("ready", true))
            : Errors.OipErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Server is not ready.");
    }

    /// <summary>Model metadata from the serving version's signature (the heaviest weighted route when unversioned).</summary>
    public static async Task ModelMetadataAsync(string name, int? version, HttpContext context, PolicyCache policies, ModelCache models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(models);
        var (policy, route) = await FindAsync(name, version, policies, cancellationToken);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        var signature = lease.Model.Signature;
        await WriteAsync(context, writer =>
        {
            writer.WriteString("name", name);
            writer.WriteStartArray("versions");
            foreach (var v in WeightedVersions(policy))
            {
                writer.WriteStringValue(v);
            }

            writer.WriteEndArray();
            writer.WriteString("platform", Platform(route.Flavor));
            WriteTensors(writer, "inputs", signature.Inputs.Where(i => !i.Optional));
            WriteTensors(writer, "outputs", signature.Outputs);
        });
    }

    /// <summary><c>{"name", "ready": true}</c> once the version is loaded (this call loads it); 503 when it cannot be.</summary>
    public static async Task ModelReadyAsync(string name, int? version, HttpContext context, PolicyCache policies, ModelCache models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(models);
        var (_, route) = await FindAsync(name, version, policies, cancellationToken);
        try
        {
            using var lease = await models.AcquireAsync(route, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Errors.OipErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"Model with name {name} is not ready.");
            return;
        }

        await WriteAsync(context, writer =>
        {
            writer.WriteString("name", name);
            writer.WriteBoolean("ready", true);
        });
    }

    /// <summary>
    /// Inference: tensors in, the model's raw output tensors out (flattened, row-major). While the endpoint is suspended:
    /// one BYTES tensor of shape [N] per fallback member (a string member's text, any other member's JSON), model version
    /// "0", <c>parameters.suspended</c> true and the <c>Ferry-Suspended: true</c> header.
    /// </summary>
    public static async Task InferAsync(string name, int? version, HttpContext context, Router router, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(router);
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var request = OipRequest.Parse(document.RootElement);
        var served = await ServingProblems.ServeAsync(context, () => router.PredictAsync(name, version, model => request.Bind(model), cancellationToken));
        if (served is null)
        {
            return;
        }

        await WriteAsync(context, writer =>
        {
            writer.WriteString("model_name", name);
            writer.WriteString("model_version", served.Route.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("id", request.Id ?? Guid.CreateVersion7().ToString());
            writer.WriteStartObject("parameters");
            writer.WriteString("prediction_ids", string.Join(',', served.Ids));
            if (served.Fallback is not null)
            {
                writer.WriteBoolean("suspended", true);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("outputs");
            // Suspended: every fallback member as a BYTES tensor of shape [N], whatever outputs were asked for.
            foreach (var output in served.Fallback is null ? request.SelectOutputs(served.Result.Outputs) : served.Result.Outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", output.Name);
                writer.WriteString("datatype", Datatype(output.ElementType));
                writer.WriteStartArray("shape");
                foreach (var dim in output.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data");
                for (var i = 0; i < output.Data.Length; i++)
                {
                    RowJson.WriteValue(writer, output.Data, i);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>The endpoint's policy and the route a metadata or readiness request names (a version, else the serving one).</summary>
    /// <exception cref="NotFoundException">No such endpoint or version.</exception>
    internal static async Task<(ResolvedPolicy Policy, ResolvedRoute Route)> FindAsync(string name, int? version, PolicyCache policies, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"Model with name {name} does not exist.");
        var route = version is { } v
            ? policy.Routes.FirstOrDefault(r => r.Version == v) ?? throw new NotFoundException($"Model {name} with version {v} not found.")
            : ServingRoute(policy);
        return (policy, route);
    }

    /// <summary>The route an unversioned metadata request describes: the heaviest weighted one.</summary>
    internal static ResolvedRoute ServingRoute(ResolvedPolicy policy) =>
        policy.Routes.Where(r => r.Role == RouteRole.Weighted).MaxBy(r => r.Weight) ?? policy.Routes[0];

    /// <summary>The versions an endpoint serves by weight, as the protocol's version strings.</summary>
    internal static IEnumerable<string> WeightedVersions(ResolvedPolicy policy) =>
        policy.Routes.Where(r => r.Role == RouteRole.Weighted).Select(r => r.Version).Distinct()
            .Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The platform name of a flavor.</summary>
    internal static string Platform(string flavor) => flavor == "onnx" ? "onnx_onnxv1" : "mlnet_zip";

    private static void WriteTensors(Utf8JsonWriter writer, string property, IEnumerable<Core.Signatures.TensorSpec> tensors)
    {
        writer.WriteStartArray(property);
        foreach (var tensor in tensors)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tensor.Name);
            var (datatype, shape) = Describe(tensor);
            writer.WriteString("datatype", datatype);
            writer.WriteStartArray("shape");
            foreach (var dim in shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>A signature tensor as metadata describes it: maps (ZipMap) as FP32 <c>[-1, -1]</c>, unknown shapes as <c>[-1, -1]</c>.</summary>
    internal static (string Datatype, IReadOnlyList<int> Shape) Describe(Core.Signatures.TensorSpec tensor)
    {
        var container = tensor.ElementType.StartsWith("seq(", StringComparison.Ordinal);
        return (container ? "FP32" : Datatype(tensor.ElementType), container || tensor.Shape.Count == 0 ? [-1, -1] : tensor.Shape);
    }

    /// <summary>The protocol's datatype name for an element type.</summary>
    internal static string Datatype(string elementType) => elementType switch
    {
        "float32" => "FP32",
        "float64" => "FP64",
        "float16" => "FP16",
        "bfloat16" => "BF16",
        "int8" => "INT8",
        "int16" => "INT16",
        "int32" => "INT32",
        "int64" => "INT64",
        "uint8" => "UINT8",
        "uint16" => "UINT16",
        "uint32" => "UINT32",
        "uint64" => "UINT64",
        "bool" => "BOOL",
        _ => "BYTES",
    };

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> body)
    {
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
