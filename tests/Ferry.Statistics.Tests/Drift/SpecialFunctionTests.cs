using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class SpecialFunctionTests
{
    // Each expected value: /usr/bin/python3 -c "from scipy import special; print(repr(special.gammaincc(a, x)))" (see reference_values.py).
    [Theory]
    [InlineData(0.5, 0.1, 0.6547208460185768)]
    [InlineData(0.5, 2.0, 0.04550026389635857)]
    [InlineData(1.0, 1.0, 0.36787944117144245)]
    [InlineData(2.5, 3.7, 0.1925504330793957)]
    [InlineData(10.0, 5.0, 0.9681719426937951)]
    [InlineData(10.0, 25.0, 0.0002214766382487835)]
    [InlineData(50.0, 60.0, 0.08440668109369177)]
    [InlineData(100.0, 80.0, 0.9828916869648668)]
    [InlineData(500.0, 520.0, 0.18469114909874365)]
    [InlineData(3.0, 1e-05, 0.9999999999999998)]
    [InlineData(0.5, 600.0, 6.099568814808675e-263)]
    [InlineData(20000.0, 20500.0, 0.00022502803564234105)]
    [InlineData(7.5, 0.3, 0.9999999934465238)]
    public void RegularizedUpperGamma_MatchesScipyGammaincc(double a, double x, double expected) =>
        Approx.Equal(expected, ChiSquare.RegularizedUpperGamma(a, x));

    // stats.chi2.sf(x, df)
    [Theory]
    [InlineData(3.84, 1, 0.05004352124870519)]
    [InlineData(10.0, 5, 0.07523524614651217)]
    [InlineData(100.0, 50, 3.454931382984871e-05)]
    [InlineData(1e-3, 4, 0.9999998750416589)]
    [InlineData(250.0, 9, 9.976151469298895e-49)]
    public void ChiSquareSurvival_MatchesScipy(double x, int df, double expected) =>
        Approx.Equal(expected, ChiSquare.Survival(x, df));

    // stats.norm.sf(z)
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.96, 0.024997895148220435)]
    [InlineData(-1.5, 0.9331927987311419)]
    [InlineData(5.0, 2.866515718791933e-07)]
    [InlineData(10.0, 7.61985302416047e-24)]
    [InlineData(30.0, 4.906713927147908e-198)]
    [InlineData(0.001, 0.49960105778608893)]
    public void NormalSurvival_MatchesScipy(double z, double expected) =>
        Approx.Equal(expected, TwoProportionZ.NormalSurvival(z));

    [Fact]
    public void GammaWithShapeOne_IsExponentialTail()
    {
        // Q(1, x) = e^-x by hand.
        foreach (var x in new[] { 0.01, 0.5, 3.0, 40.0 })
        {
            Approx.Equal(Math.Exp(-x), ChiSquare.RegularizedUpperGamma(1.0, x), 1e-13);
        }
    }
}
