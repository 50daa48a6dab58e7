using System.Globalization;
using System.IO.Compression;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Server.Identity;
using Ferry.Server.References;
using Ferry.Server.Serving;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Server.Endpoints.Governance;

/// <summary>A holdout dataset as the API shows it (without its rows).</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Name">The dataset's name.</param>
/// <param name="Rows">Records held (each with a label).</param>
/// <param name="Columns">The records' fields.</param>
/// <param name="PositiveLabel">The positive class for binary classifiers, or null for the one the model scores.</param>
/// <param name="Source">Where the rows came from.</param>
/// <param name="Sha256">SHA-256 of the stored JSON.</param>
/// <param name="CreatedBy">Who uploaded it.</param>
/// <param name="CreatedAt">When (ISO 8601, UTC).</param>
public sealed record HoldoutDatasetView(
    string Model, string Name, int Rows, IReadOnlyList<string> Columns, string? PositiveLabel, string Source, string Sha256, string CreatedBy, string CreatedAt);

/// <summary>A model's holdout datasets.</summary>
/// <param name="Datasets">By name.</param>
public sealed record HoldoutDatasetListView(IReadOnlyList<HoldoutDatasetView> Datasets);

/// <summary>Source-generated JSON for the holdout dataset routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HoldoutDatasetView))]
[JsonSerializable(typeof(HoldoutDatasetListView))]
public sealed partial class HoldoutJsonContext : JsonSerializerContext;

/// <summary>
/// Labelled holdout datasets of a registered model (<c>/api/v1/models/{name}/datasets</c>), which the quality gates
/// evaluate candidates and champions on when a policy names one (<see cref="GateSettings.EvaluationDataset"/>). PUT
/// (scientist) takes the reference upload's JSON, <c>{"records": [...], "labels": [...], "positiveLabel": "...",
/// "source": "..."}</c>, with one label per record (required); GET and the list (viewer) show it without its rows;
/// DELETE (scientist) removes it. Setting and deleting are audited (<c>dataset.set</c>, <c>dataset.delete</c>).
/// </summary>
public static partial class HoldoutDatasetsApi
{
    /// <summary>Largest upload body (up to <see cref="RecordValidator.MaxRows"/> records).</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapHoldoutDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models/{name}/datasets").WithTags("Governance");
        group.MapGet("", ListAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("ListHoldoutDatasets")
            .WithSummary("The model's holdout datasets (without their rows).");
        group.MapPut("/{dataset}", PutAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetHoldoutDataset")
            .WithSummary("Creates or replaces a labelled holdout dataset: {\"records\": [...], \"labels\": [...], \"positiveLabel\": \"...\", \"source\": \"...\"}.");
        group.MapGet("/{dataset}", GetAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetHoldoutDataset")
            .WithSummary("A holdout dataset's description (rows, columns, positive class, SHA-256).");
        group.MapDelete("/{dataset}", DeleteAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("DeleteHoldoutDataset")
            .WithSummary("Deletes a holdout dataset.");
        return routes;
    }

    /// <summary>Checks and stores the upload.</summary>
    public static async Task<IResult> PutAsync(
        string name, string dataset, HttpContext context, IRegistryStore registry, IHoldoutDatasetStore store, TimeProvider clock, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        CheckName(dataset);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        _ = await registry.GetModelAsync(name, cancellationToken);
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var upload = ReferenceUpload.Read(document.RootElement);
        var rows = RecordValidator.RowCount(upload.Records, "records");
        if (upload.Labels is not { } labels)
        {
            throw new ValidationException("labels", "are required: a holdout dataset needs one label per record");
        }

        if (labels.Count != rows)
        {
            throw new ValidationException("labels", $"has {labels.Count} values for {rows} records");
        }

        if (labels.TrueForAll(l => l is null))
        {
            throw new ValidationException("labels", "are all null: a holdout dataset needs labels");
        }

        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var row = 0;
        foreach (var record in upload.Records.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException($"records[{row}]", "must be a JSON object of feature values");
            }

            foreach (var property in record.EnumerateObject())
            {
                if (seen.Add(property.Name))
                {
                    columns.Add(property.Name);
                }
            }

            row++;
        }

        var json = Canonical(upload);
        var positive = upload.PositiveLabel;
        var entry = new HoldoutDataset
        {
            ModelName = name,
            Name = dataset,
            Rows = rows,
            Columns = string.Join(',', columns),
            PositiveLabel = positive is { Length: > 256 } ? throw new ValidationException("positiveLabel", "is longer than 256 characters") : positive,
            Source = upload.Source,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(json)),
            CreatedBy = user.ActorName(),
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Data = Deflate(json),
        };
        await store.SaveAsync(entry, entry.CreatedBy, cancellationToken);
        return TypedResults.Json(View(entry), HoldoutJsonContext.Default.HoldoutDatasetView);
    }

    /// <summary>One dataset's description.</summary>
    public static async Task<IResult> GetAsync(string name, string dataset, IHoldoutDatasetStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = await store.FindAsync(name, dataset, cancellationToken)
            ?? throw new NotFoundException($"{name} has no holdout dataset named '{dataset}'.");
        return TypedResults.Json(View(found), HoldoutJsonContext.Default.HoldoutDatasetView);
    }

    /// <summary>The model's datasets.</summary>
    public static async Task<IResult> ListAsync(string name, IRegistryStore registry, IHoldoutDatasetStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        _ = await registry.GetModelAsync(name, cancellationToken);
        var list = await store.ListAsync(name, cancellationToken);
        return TypedResults.Json(new HoldoutDatasetListView([.. list.Select(View)]), HoldoutJsonContext.Default.HoldoutDatasetListView);
    }

    /// <summary>Deletes a dataset (204), 404 when there is none.</summary>
    public static async Task<IResult> DeleteAsync(string name, string dataset, IHoldoutDatasetStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.DeleteAsync(name, dataset, user.ActorName(), cancellationToken)
            ? TypedResults.NoContent()
            : throw new NotFoundException($"{name} has no holdout dataset named '{dataset}'.");
    }

    private static void CheckName(string dataset)
    {
        if (!DatasetName().IsMatch(dataset))
        {
            throw new ValidationException("dataset", "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /// <summary>The stored JSON: the records as sent and the labels as text.</summary>
    private static byte[] Canonical(ReferenceUpload upload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("records");
            upload.Records.WriteTo(writer);
            writer.WriteStartArray("labels");
            foreach (var label in upload.Labels!)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
            if (upload.PositiveLabel is { } positive)
            {
                writer.WriteString("positiveLabel", positive);
            }

            writer.WriteString("source", upload.Source);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Deflate(byte[] json)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        return buffer.ToArray();
    }

    private static HoldoutDatasetView View(HoldoutDataset d) =>
        new(d.ModelName, d.Name, d.Rows, d.Columns.Length == 0 ? [] : d.Columns.Split(','), d.PositiveLabel, d.Source, d.Sha256, d.CreatedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt).ToString("O", CultureInfo.InvariantCulture));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex DatasetName();
}
