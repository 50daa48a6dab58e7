namespace Ferry.Core.Signatures;

/// <summary>The format a registered model version is stored in, which also picks the runtime that serves it.</summary>
public enum ModelFlavor
{
    /// <summary>An ONNX graph (from scikit-learn, PyTorch, XGBoost, ...), served by ONNX Runtime.</summary>
    Onnx,

    /// <summary>An ML.NET model zip saved with <c>MLContext.Model.Save</c>, served by ML.NET.</summary>
    MLNet,
}
