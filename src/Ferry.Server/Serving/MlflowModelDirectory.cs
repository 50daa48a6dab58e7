using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace Ferry.Server.Serving;

/// <summary>
/// An MLflow model directory's <c>MLmodel</c> file, read by its flavors: the <c>onnx</c> flavor's <c>data</c> names
/// the ONNX file Ferry serves; Python-only flavors (<c>sklearn</c>, <c>python_function</c> pickles) cannot be served.
/// </summary>
/// <param name="Flavors">The flavor names, in the file's order.</param>
/// <param name="OnnxData">The <c>onnx</c> flavor's <c>data</c> (relative to the directory), if any.</param>
/// <param name="SignatureInputs">MLflow's <c>signature.inputs</c> (a JSON text), if any.</param>
public sealed record MlflowModel(IReadOnlyList<string> Flavors, string? OnnxData, string? SignatureInputs)
{
    /// <summary>The file that marks an MLflow model directory.</summary>
    public const string FileName = "MLmodel";

    /// <summary>The largest MLmodel file read (they are a few kilobytes).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Parses an MLmodel file's text.</summary>
    /// <exception cref="ValidationException">The text is not YAML, or not an MLmodel (no <c>flavors</c> mapping).</exception>
    public static MlflowModel Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ValidationException(FileName, $"is not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || Child(root, "flavors") is not YamlMappingNode flavors)
        {
            throw new ValidationException(FileName, "has no 'flavors' mapping");
        }

        var names = flavors.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
        var onnx = Child(flavors, "onnx") is YamlMappingNode o && Child(o, "data") is YamlScalarNode { Value: { Length: > 0 } data } ? data : null;
        var inputs = Child(root, "signature") is YamlMappingNode s && Child(s, "inputs") is YamlScalarNode { Value: { Length: > 0 } i } ? i : null;
        return new MlflowModel(names, onnx, inputs);
    }

    /// <summary>
    /// Reads <c>MLmodel</c> directly under <paramref name="directory"/>; null when there is none. An <c>onnx</c> flavor
    /// whose <c>data</c> leaves the directory is refused.
    /// </summary>
    /// <exception cref="ValidationException">The file is not an MLmodel, or its <c>onnx</c> data path is unsafe.</exception>
    public static async Task<MlflowModel?> ReadAsync(IArtifactStore store, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var path = Join(directory, FileName);
        if (await store.GetInfoAsync(path, cancellationToken) is not { } info)
        {
            return null;
        }

        if (info.Length > MaxBytes)
        {
            throw new ValidationException(FileName, $"is {info.Length} bytes; an MLmodel file is at most {MaxBytes}");
        }

        string text;
        await using (var stream = await store.OpenReadAsync(path, cancellationToken))
        using (var reader = new StreamReader(stream))
        {
            text = await reader.ReadToEndAsync(cancellationToken);
        }

        var model = Parse(text);
        _ = model.OnnxFile(directory);
        return model;
    }

    /// <summary>The ONNX file the <c>onnx</c> flavor names, as a store path inside <paramref name="directory"/>; null without one.</summary>
    /// <exception cref="ValidationException">The data path is absolute or climbs out of the directory.</exception>
    public string? OnnxFile(string directory)
    {
        if (OnnxData is null)
        {
            return null;
        }

        try
        {
            return ArtifactPath.Normalize(Join(directory, OnnxData.Replace('\\', '/')));
        }
        catch (InvalidArtifactPathException e)
        {
            throw new ValidationException(FileName, $"flavors.onnx.data '{OnnxData}' must name a file inside the model directory ({e.Reason})");
        }
    }

    /// <summary>True when no flavor is one Ferry serves (only Python flavors such as <c>sklearn</c> or <c>python_function</c>).</summary>
    public bool OnlyPythonFlavors => OnnxData is null && !Flavors.Contains("mlnet", StringComparer.Ordinal);

    /// <summary>
    /// Why a directory whose MLmodel has only Python flavors cannot be deployed, and how to export it so it can.
    /// </summary>
    public string ExportAdvice(string modelName, int version) =>
        $"model '{modelName}' version {version} is an MLflow model with only Python flavors ({string.Join(", ", Flavors)}), "
        + "which Ferry cannot serve (it runs ONNX and ML.NET models, never pickles). Export it to ONNX and log that: "
        + "for scikit-learn, `from skl2onnx import to_onnx; onx = to_onnx(model, X[:1]); mlflow.onnx.log_model(onx, name=\"model\")`; "
        + "for XGBoost, `from onnxmltools import convert_xgboost; from onnxmltools.convert.common.data_types import FloatTensorType; "
        + "onx = convert_xgboost(model, initial_types=[(\"input\", FloatTensorType([None, X.shape[1]]))]); mlflow.onnx.log_model(onx, name=\"model\")`; "
        + "then register the new model and deploy that version.";

    private static string Join(string directory, string name) => directory.Length == 0 ? name : directory.TrimEnd('/') + "/" + name;

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
