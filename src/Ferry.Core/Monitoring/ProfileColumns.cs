namespace Ferry.Core.Monitoring;

/// <summary>Names of the profile columns that hold the model's outputs beside its input features.</summary>
public static class ProfileColumns
{
    /// <summary>The score: a binary classifier's positive-class probability, or a regressor's value.</summary>
    public const string Score = "prediction.score";

    /// <summary>The predicted class.</summary>
    public const string Label = "prediction.label";

    /// <summary>True for the output columns.</summary>
    public static bool IsOutput(string column) => column is Score or Label;
}
