using Microsoft.ML.Data;

namespace Ferry.Runtimes.MLNet.Tests;

/// <summary>A training row of the credit-risk example, cut down to the column kinds a signature must tell apart.</summary>
public sealed class LoanApplication
{
    public float Age { get; set; }

    public double Income { get; set; }

    public string Purpose { get; set; } = "";

    [VectorType(3)]
    public float[] History { get; set; } = [];

    public bool Label { get; set; }
}
