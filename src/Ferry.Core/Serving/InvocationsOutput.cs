namespace Ferry.Core.Serving;

/// <summary>
/// What an endpoint's MLflow scoring route (<c>/invocations</c>) answers per row, as MLflow's
/// <c>pyfunc_predict_fn</c> chooses for a scikit-learn model.
/// </summary>
public enum InvocationsOutput
{
    /// <summary>The predicted label (a classifier) or value (a regressor): <c>predict</c>. The default.</summary>
    Predict = 0,

    /// <summary>The class probabilities in the model's class order, <c>[p0, p1, …]</c> per row: <c>predict_proba</c>.</summary>
    PredictProba = 1,

    /// <summary>Every named output of the model, one object per row, as MLflow's onnx flavor answers.</summary>
    Outputs = 2,
}
