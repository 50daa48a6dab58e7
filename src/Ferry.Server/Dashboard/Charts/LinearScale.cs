namespace Ferry.Server.Dashboard.Charts;

/// <summary>Maps a data interval onto a pixel interval (either may run backwards, as a y axis does).</summary>
/// <param name="DomainStart">Data value at <paramref name="RangeStart"/>.</param>
/// <param name="DomainEnd">Data value at <paramref name="RangeEnd"/>.</param>
/// <param name="RangeStart">Pixel for <paramref name="DomainStart"/>.</param>
/// <param name="RangeEnd">Pixel for <paramref name="DomainEnd"/>.</param>
internal readonly record struct LinearScale(double DomainStart, double DomainEnd, double RangeStart, double RangeEnd)
{
    /// <summary>The pixel for a value; the middle of the range when the domain is a single value.</summary>
    public double Map(double value)
    {
        var span = DomainEnd - DomainStart;
        return span == 0 ? (RangeStart + RangeEnd) / 2 : RangeStart + ((value - DomainStart) / span * (RangeEnd - RangeStart));
    }
}
