using Ferry.Core.Errors;
using Ferry.Statistics.Drift;

namespace Ferry.Core.Monitoring;

/// <summary>The names of drift methods in specs and on the command line.</summary>
public static class DriftMethods
{
    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ks", "chisquare", "ztest", "psi", "jensenshannon", "wasserstein"];

    /// <summary>Parses a method name (null stays null = automatic choice).</summary>
    /// <exception cref="ValidationException">Unknown name.</exception>
    public static DriftMethod? Parse(string? name, string field) => name?.ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "ks" or "kolmogorov_smirnov" or "kolmogorovsmirnov" => DriftMethod.KolmogorovSmirnov,
        "chisquare" or "chi2" or "chi_square" => DriftMethod.ChiSquare,
        "ztest" or "z" or "z_test" => DriftMethod.ZTest,
        "psi" => DriftMethod.Psi,
        "jensenshannon" or "js" or "jensen_shannon" => DriftMethod.JensenShannon,
        "wasserstein" or "wasserstein_normed" => DriftMethod.Wasserstein,
        _ => throw new ValidationException(field, $"'{name}' is not a drift method; use one of {string.Join(", ", Names)}, or auto"),
    };

    /// <summary>A method's name in words.</summary>
    public static string Describe(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "Kolmogorov–Smirnov p-value",
        DriftMethod.ChiSquare => "chi-square p-value",
        DriftMethod.ZTest => "two-proportion z-test p-value",
        DriftMethod.Psi => "PSI",
        DriftMethod.JensenShannon => "Jensen–Shannon distance",
        DriftMethod.Wasserstein => "Wasserstein distance (in reference standard deviations)",
        _ => method.ToString(),
    };
}
