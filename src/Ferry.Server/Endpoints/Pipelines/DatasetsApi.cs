using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Artifacts;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Server.Identity;
using Ferry.Server.Pipelines.Datasets;

namespace Ferry.Server.Endpoints.Pipelines;

/// <summary>Source-generated JSON for the dataset routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DatasetBuildBody))]
[JsonSerializable(typeof(DatasetView))]
[JsonSerializable(typeof(DatasetListView))]
[JsonSerializable(typeof(Dictionary<string, long>))]
public sealed partial class DatasetsJsonContext : JsonSerializerContext;

/// <summary>
/// Training sets materialised from production (<c>/api/v1/datasets</c>): POST (scientist) builds one from an endpoint's
/// prediction log joined point-in-time with its ground truth; GET lists and shows them and streams their Parquet files
/// (viewer). Building is audited (<c>dataset.build</c>).
/// </summary>
public static class DatasetsApi
{
    /// <summary>The Parquet media type.</summary>
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/datasets").WithTags("Datasets");
        group.MapPost("", BuildAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("BuildDataset")
            .WithSummary("Builds a training set from an endpoint's prediction log, labels joined as of a point in time: {\"endpoint\", \"from\", \"to\", \"asOf\", \"labelDelayMax\", \"withReference\", \"holdoutFraction\", \"labelledOnly\", \"name\"}.");
        group.MapGet("", ListAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("ListDatasets")
            .WithSummary("Datasets, newest first (?endpoint=, ?limit= up to 1000).");
        group.MapGet("/{name}", GetAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetDataset")
            .WithSummary("A dataset: its query, counts, label coverage, versions, columns and digests.");
        group.MapGet("/{name}/file", FileAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetDatasetFile")
            .WithSummary("Streams a dataset's Parquet file (?part=train, the default, or holdout).");
        return routes;
    }

    /// <summary>Builds a dataset (201).</summary>
    public static async Task<IResult> BuildAsync(HttpContext context, DatasetBuilder builder, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(builder);
        var body = await RequestJson.DeserializeAsync(context.Request, DatasetsJsonContext.Default.DatasetBuildBody, cancellationToken)
            ?? throw new ValidationException("$", "the body must be a JSON object");
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body.Endpoint))
        {
            errors["endpoint"] = ["is required"];
        }

        if (body.From is null)
        {
            errors["from"] = ["is required (ISO 8601)"];
        }

        if (body.To is null)
        {
            errors["to"] = ["is required (ISO 8601)"];
        }

        long? delay = null;
        if (body.LabelDelayMax is { } text)
        {
            try
            {
                delay = DatasetInputs.ParseDurationMs(text, "labelDelayMax");
            }
            catch (ValidationException e)
            {
                errors["labelDelayMax"] = e.Errors["labelDelayMax"];
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var dataset = await builder.BuildAsync(new DatasetBuildSpec
        {
            Endpoint = body.Endpoint!,
            From = body.From!.Value.ToUnixTimeMilliseconds(),
            To = body.To!.Value.ToUnixTimeMilliseconds(),
            AsOf = body.AsOf?.ToUnixTimeMilliseconds(),
            LabelDelayMaxMs = delay,
            WithReference = body.WithReference ?? false,
            HoldoutFraction = body.HoldoutFraction ?? 0.2,
            LabelledOnly = body.LabelledOnly ?? false,
            Name = body.Name,
        }, user.ActorName(), null, cancellationToken);
        return TypedResults.Json(View(dataset), DatasetsJsonContext.Default.DatasetView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Datasets, newest first.</summary>
    public static async Task<IResult> ListAsync(string? endpoint, int? limit, ITrainingDatasetStore datasets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (limit is < 1 or > 1000)
        {
            throw new ValidationException("limit", "must be between 1 and 1000");
        }

        var list = await datasets.ListAsync(string.IsNullOrEmpty(endpoint) ? null : endpoint, limit ?? 100, cancellationToken);
        return TypedResults.Json(new DatasetListView([.. list.Select(View)]), DatasetsJsonContext.Default.DatasetListView);
    }

    /// <summary>One dataset.</summary>
    public static async Task<IResult> GetAsync(string name, ITrainingDatasetStore datasets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var dataset = await datasets.FindByNameAsync(name, cancellationToken) ?? throw new NotFoundException($"dataset '{name}' does not exist");
        return TypedResults.Json(View(dataset), DatasetsJsonContext.Default.DatasetView);
    }

    /// <summary>Streams the training (default) or holdout file.</summary>
    public static async Task<IResult> FileAsync(string name, string? part, ITrainingDatasetStore datasets, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(artifacts);
        var dataset = await datasets.FindByNameAsync(name, cancellationToken) ?? throw new NotFoundException($"dataset '{name}' does not exist");
        var path = (part ?? "train") switch
        {
            "train" => dataset.ArtifactPath,
            "holdout" => dataset.HoldoutArtifactPath ?? throw new NotFoundException($"dataset '{name}' held nothing out"),
            _ => throw new ValidationException("part", "must be 'train' or 'holdout'"),
        };
        var stream = await artifacts.OpenReadAsync(path, cancellationToken);
        return TypedResults.Stream(stream, ParquetMediaType, $"{dataset.Name}-{part ?? "train"}.parquet");
    }

    /// <summary>The API's view of a dataset.</summary>
    public static DatasetView View(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new DatasetView
        {
            Id = dataset.Id,
            Name = dataset.Name,
            Endpoint = dataset.EndpointName,
            From = DateTimeOffset.FromUnixTimeMilliseconds(dataset.From),
            To = DateTimeOffset.FromUnixTimeMilliseconds(dataset.To),
            AsOf = DateTimeOffset.FromUnixTimeMilliseconds(dataset.AsOf),
            LabelDelayMaxMs = dataset.LabelDelayMaxMs,
            WithReference = dataset.WithReference,
            HoldoutFrom = dataset.HoldoutFrom is { } h ? DateTimeOffset.FromUnixTimeMilliseconds(h) : null,
            Rows = dataset.Rows,
            LabelledRows = dataset.LabelledRows,
            ReferenceRows = dataset.ReferenceRows,
            HoldoutRows = dataset.HoldoutRows,
            LabelCoverage = dataset.LabelCoverage,
            Versions = JsonSerializer.Deserialize(dataset.VersionsJson, DatasetsJsonContext.Default.DictionaryStringInt64) ?? [],
            Columns = dataset.Columns.Split(',', StringSplitOptions.RemoveEmptyEntries),
            Digest = dataset.Digest,
            ArtifactPath = dataset.ArtifactPath,
            HoldoutArtifactPath = dataset.HoldoutArtifactPath,
            HoldoutDigest = dataset.HoldoutDigest,
            SizeBytes = dataset.SizeBytes,
            Query = dataset.QueryJson,
            CreatedBy = dataset.CreatedBy,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(dataset.CreatedAt),
        };
    }
}
