using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Tracking;

namespace Ferry.Core.Pipelines;

/// <summary>
/// Turns a <see cref="TrainingDataset"/> into MLflow's dataset input, so a run trained on it names it (lineage): name,
/// digest, source type <c>ferry</c>, source <c>{"uri": "ferry-artifacts:/datasets/..."}</c>, schema as MLflow's
/// <c>{"mlflow_colspec": [...]}</c> and a profile of its counts. The same fields are what a training script passes to
/// <c>mlflow.log_input</c> (docs/loop/datasets.md).
/// </summary>
public static class DatasetLineage
{
    /// <summary>The source type MLflow shows for Ferry's datasets.</summary>
    public const string SourceType = "ferry";

    /// <summary>The URI scheme of a dataset file in Ferry's artifact store.</summary>
    public const string UriScheme = "ferry-artifacts";

    /// <summary>The MLflow dataset input of <paramref name="dataset"/>, tagged <c>mlflow.data.context = <paramref name="context"/></c>.</summary>
    public static DatasetInput ToInput(TrainingDataset dataset, string context = "training")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new DatasetInput(
            dataset.Name,
            dataset.Digest,
            SourceType,
            Source(dataset),
            Schema(dataset),
            Profile(dataset),
            [new KeyValuePair<string, string>("mlflow.data.context", context)]);
    }

    /// <summary>The artifact URI of the training file: <c>ferry-artifacts:/datasets/{endpoint}/{name}/train.parquet</c>.</summary>
    public static string Uri(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return $"{UriScheme}:/{dataset.ArtifactPath}";
    }

    /// <summary>The source JSON: <c>{"uri", "endpoint", "holdout_uri"}</c>.</summary>
    public static string Source(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var source = new JsonObject { ["uri"] = Uri(dataset), ["endpoint"] = dataset.EndpointName };
        if (dataset.HoldoutArtifactPath is { } holdout)
        {
            source["holdout_uri"] = $"{UriScheme}:/{holdout}";
        }

        return source.ToJsonString();
    }

    /// <summary>
    /// MLflow's column-spec schema, <c>{"mlflow_colspec": [{"type": "double", "name": "age", "required": false}, ...]}</c>,
    /// from the column types the builder recorded in <see cref="TrainingDataset.QueryJson"/> (<c>schema</c>); a column
    /// without a recorded type is a string.
    /// </summary>
    public static string Schema(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var types = new Dictionary<string, (string Type, bool Required)>(StringComparer.Ordinal);
        using (var query = JsonDocument.Parse(string.IsNullOrWhiteSpace(dataset.QueryJson) ? "{}" : dataset.QueryJson))
        {
            if (query.RootElement.ValueKind == JsonValueKind.Object
                && query.RootElement.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Array)
            {
                foreach (var column in schema.EnumerateArray())
                {
                    var name = column.TryGetProperty("name", out var n) ? n.GetString() : null;
                    var type = column.TryGetProperty("type", out var t) ? t.GetString() : null;
                    var required = column.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
                    if (name is not null && type is not null)
                    {
                        types[name] = (type, required);
                    }
                }
            }
        }

        var columns = new JsonArray();
        foreach (var name in dataset.Columns.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (type, required) = types.GetValueOrDefault(name, ("string", false));
            columns.Add(new JsonObject { ["type"] = type, ["name"] = name, ["required"] = required });
        }

        return new JsonObject { ["mlflow_colspec"] = columns }.ToJsonString();
    }

    /// <summary>The profile JSON: <c>{"num_rows", "production_rows", "labelled_rows", "reference_rows", "holdout_rows", "label_coverage"}</c>.</summary>
    public static string Profile(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new JsonObject
        {
            ["num_rows"] = dataset.Rows + dataset.ReferenceRows,
            ["production_rows"] = dataset.Rows,
            ["labelled_rows"] = dataset.LabelledRows,
            ["reference_rows"] = dataset.ReferenceRows,
            ["holdout_rows"] = dataset.HoldoutRows,
            ["label_coverage"] = Math.Round(dataset.LabelCoverage, 6),
            ["as_of"] = DateTimeOffset.FromUnixTimeMilliseconds(dataset.AsOf).ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString();
    }
}
