namespace Ferry.Client.Serving;

/// <summary>One record's answer from <c>POST /api/v1/endpoints/{name}/predict</c>.</summary>
/// <param name="Id">The prediction id (its prediction-log row), for feedback later.</param>
/// <param name="Model">The registered model that answered.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="Label">The predicted label, when the model outputs one.</param>
/// <param name="Score">The score, when the model outputs one (a regressor's value; a binary classifier's positive-class probability); null also for NaN.</param>
/// <param name="Probabilities">Probability per class, when the model outputs them; a value is null for NaN.</param>
public sealed record Prediction(
    string Id,
    string Model,
    int Version,
    string? Label = null,
    double? Score = null,
    IReadOnlyDictionary<string, double?>? Probabilities = null);

/// <summary>The body of a predict answer.</summary>
/// <param name="Predictions">One per record, in order.</param>
public sealed record PredictResponse(IReadOnlyList<Prediction> Predictions);

/// <summary>An input or output tensor in Open Inference Protocol model metadata.</summary>
/// <param name="Name">The tensor's name; for a model with one input per column, the column's name.</param>
/// <param name="Datatype">The protocol's datatype: <c>FP32</c>, <c>FP64</c>, <c>INT64</c>, <c>BOOL</c>, <c>BYTES</c>, ...</param>
/// <param name="Shape">Dimensions; -1 where variable.</param>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary>Open Inference Protocol model metadata of an endpoint (<c>GET /v2/models/{name}</c>).</summary>
/// <param name="Name">The endpoint's name.</param>
/// <param name="Versions">The versions serving it.</param>
/// <param name="Platform"><c>onnx_onnxv1</c> or <c>mlnet_zip</c>.</param>
/// <param name="Inputs">The required inputs of the serving version.</param>
/// <param name="Outputs">Its outputs.</param>
public sealed record ModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<TensorMetadata> Inputs,
    IReadOnlyList<TensorMetadata> Outputs);

/// <summary>Ground truth for one prediction.</summary>
/// <param name="PredictionId">The id the prediction was answered with.</param>
/// <param name="Label">The true class (classifiers).</param>
/// <param name="Value">The true value (regressors).</param>
public sealed record Feedback(
    string PredictionId,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Label = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Value = null);

internal sealed record FeedbackBody(IReadOnlyList<Feedback> Feedback);

internal sealed record FeedbackAnswer(int Accepted);
