using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class KolmogorovDistributionTests
{
    // stats.kstwo.sf(x, n); the comment names the branch of scipy's _kolmogn that each point exercises.
    [Theory]
    [InlineData(0.15, 5, 0.9988)] // Ruben–Gambino, t <= 1
    [InlineData(0.85, 5, 0.0001518750000000001)] // Ruben–Gambino, t >= n - 1
    [InlineData(0.6, 5, 0.03008000000000001)] // x >= 0.5: 2 * smirnov
    [InlineData(0.3, 5, 0.664)] // Durbin matrix, n <= 140
    [InlineData(0.45, 5, 0.19399374999999963)] // Pomeranz
    [InlineData(0.1, 50, 0.6623112704658186)] // Durbin matrix
    [InlineData(0.2, 50, 0.03143877776953241)] // Pomeranz
    [InlineData(0.35, 50, 5.573523514803185e-06)] // 2 * smirnov, n <= 140
    [InlineData(0.015, 50, 1.0)] // Ruben–Gambino
    [InlineData(0.07, 140, 0.4776228287946562)] // Durbin matrix
    [InlineData(0.15, 140, 0.0032495604415101703)] // Pomeranz
    [InlineData(0.05, 141, 0.8548456930096628)] // Pelz–Good
    [InlineData(0.01, 1000, 0.9999496745370611)] // Durbin matrix, n > 140
    [InlineData(0.03, 1000, 0.3226902143914636)] // Pelz–Good
    [InlineData(0.05, 1000, 0.013012074781090332)] // 2 * smirnov, n > 140
    [InlineData(0.7, 1000, 0.0)] // 2 * smirnov underflows
    [InlineData(0.004, 5000, 0.9999977369528622)] // Durbin matrix (39 x 39)
    [InlineData(0.02, 5000, 0.03613941395325637)] // Pelz–Good
    [InlineData(0.1, 5000, 5.590495886396459e-44)] // 2 * smirnov
    [InlineData(0.3, 5000, 0.0)] // n x^2 >= 370
    [InlineData(0.001, 200000, 0.9881500208855729)] // Pelz–Good, n > 100000
    [InlineData(0.004, 200000, 0.003314212822560255)] // 2 * smirnov, long sum
    [InlineData(0.0015, 2000000, 0.00024657290508461606)] // 2 * smirnov, n > 1e6 approximation
    [InlineData(0.003, 1000, 1.0)] // Durbin matrix, tiny CDF
    public void Survival_MatchesScipyKstwo(double x, int n, double expected) =>
        Approx.Equal(expected, KolmogorovDistribution.Survival(x, n));

    // special.smirnov(n, x)
    [Theory]
    [InlineData(10, 0.3, 0.1354635556)]
    [InlineData(50, 0.35, 2.7867617574015925e-06)]
    [InlineData(1000, 0.05, 0.006506037390545166)]
    [InlineData(1000, 0.7, 0.0)]
    [InlineData(200000, 0.004, 0.0016571064112801276)]
    [InlineData(2000000, 0.0015, 0.00012328645254230803)]
    [InlineData(3, 0.2, 0.712)]
    public void Smirnov_MatchesScipy(int n, double x, double expected) =>
        Approx.Equal(expected, SmirnovDistribution.Survival(n, x));

    [Fact]
    public void Smirnov_ForThree_ByHand()
    {
        // P(D3+ >= 0.2) = 0.2 * sum_{v=0}^{2} C(3,v) (0.2 + v/3)^(v-1) (0.8 - v/3)^(3-v)
        var x = 0.2;
        var expected = x * ((1 / x * Math.Pow(0.8, 3)) + (3 * Math.Pow(0.8 - (1.0 / 3), 2)) + (3 * (x + (2.0 / 3)) * (0.8 - (2.0 / 3))));
        Approx.Equal(expected, SmirnovDistribution.Survival(3, x), 1e-14);
    }
}
