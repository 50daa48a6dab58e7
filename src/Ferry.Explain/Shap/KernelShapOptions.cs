namespace Ferry.Explain.Shap;

/// <summary>Settings of <see cref="KernelShap"/>.</summary>
public sealed record KernelShapOptions
{
    /// <summary>
    /// Coalitions evaluated per explanation (each costs one model row per background row). When all 2^M − 2
    /// non-trivial coalitions fit, they are enumerated and the result is exact (standard errors 0).
    /// </summary>
    public int SampleCount { get; init; } = 2048;

    /// <summary>Seed of the coalition sampler and the bootstrap: the same inputs and seed give the same explanation.</summary>
    public int Seed { get; init; }

    /// <summary>Sample each coalition together with its complement (antithetic sampling; lowers the variance).</summary>
    public bool Paired { get; init; } = true;

    /// <summary>Bootstrap resamples used for the standard errors (0 = no errors).</summary>
    public int BootstrapCount { get; init; } = 100;

    /// <summary>The most rows passed to the model in one call.</summary>
    public int MaxBatchRows { get; init; } = 8192;
}
