using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ferry.Core.Monitoring;
using Ferry.Server.Dashboard;
using Ferry.Server.Dashboard.Charts;
using Xunit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>The dashboard's SVG charts: well-formed, encoded, marks where the axes say, data tables right.</summary>
public sealed partial class ChartTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UserText_AppearsOnlyEncoded()
    {
        const string Evil = "<script>alert(\"x\")</script>";
        var histogram = new ColumnHistogram(Evil, "categorical", [Evil, "b"], [0.5, 0.5], [0.25, 0.75]);
        var series = new TimeSeriesChart.Series(Evil, [new(T0, 1), new(T0.AddHours(1), 2)]);
        var charts = new[]
        {
            HistogramChart.Render("h", histogram, Evil),
            TimeSeriesChart.Render(new TimeSeriesChart.Spec("t", Evil, Evil, [series, series with { Name = "b" }]) { Threshold = new(1.5, Evil) }),
            WaterfallChart.Render("w", 0, [new(Evil, Evil, 1)], 1, Evil),
            ShareBars.Render("s", [new(Evil, 0.5, Evil)], Evil),
            CalibrationChart.Render("c", [new(0.5, 0.5, 10)], Evil),
        };

        foreach (var chart in charts)
        {
            Assert.DoesNotContain("<script", chart.Value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"x\"", chart.Value, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;", chart.Value, StringComparison.Ordinal);
            var figure = XElement.Parse(chart.Value);
            Assert.DoesNotContain(figure.Descendants(), e => e.Name.LocalName == "script");
            Assert.Contains(figure.DescendantNodes().OfType<XText>(), t => t.Value.Contains(Evil, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TimeSeries_DrawsValuesAtTheirHeight_FromTheZeroBaseline()
    {
        var spec = Spec([new("drift score", [new(T0, 0.1), new(T0.AddHours(1), 0.2), new(T0.AddHours(2), 0.05)])]);
        var layout = TimeSeriesChart.LayoutOf(spec);
        var markers = Marks(TimeSeriesChart.Render(spec), "circle").ToList();

        Assert.Equal(0, layout.YTicks[0]);
        var baseline = layout.Y.Map(0);
        var low = baseline - Num(markers[0], "cy");
        var high = baseline - Num(markers[1], "cy");
        Assert.True(low > 10);
        Assert.Equal(2 * low, high, 0.2);
        Assert.Equal(layout.Y.Map(0.2), Num(markers[1], "cy"), 0.06);
        Assert.True(Num(markers[0], "cx") < Num(markers[1], "cx"));
        Assert.Equal("2025-03-14 13:00 UTC \u2013 drift score 0.2", Title(markers[1]));
    }

    [Fact]
    public void TimeSeries_NullAndNonFiniteValues_BreakTheLine()
    {
        var points = new TimeSeriesChart.Point[]
        {
            new(T0, 1), new(T0.AddHours(1), 2), new(T0.AddHours(2), null), new(T0.AddHours(3), 3), new(T0.AddHours(4), 4),
            new(T0.AddHours(5), double.NaN), new(T0.AddHours(6), double.PositiveInfinity), new(T0.AddHours(7), 5), new(T0.AddHours(8), 6),
        };
        var figure = XElement.Parse(TimeSeriesChart.Render(Spec([new("requests", points)])).Value);

        Assert.Equal(3, Marks(figure, "polyline").Count());
        Assert.Equal(6, Marks(figure, "circle").Count());
        Assert.DoesNotContain("NaN", figure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", figure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TimeSeries_WithoutValues_SaysNoDataYet()
    {
        foreach (var series in new List<TimeSeriesChart.Series>[] { [], [new("a", [])], [new("a", [new(T0, null), new(T0.AddHours(1), double.NaN)])] })
        {
            var figure = XElement.Parse(TimeSeriesChart.Render(Spec(series)).Value);
            Assert.Equal("figure", figure.Name.LocalName);
            Assert.Contains("No data yet", figure.Value, StringComparison.Ordinal);
            Assert.DoesNotContain(figure.Descendants(), e => e.Name.LocalName == "svg");
        }
    }

    [Fact]
    public void TimeSeries_OnePointAndEqualValues_DrawWithoutDividingByZero()
    {
        var one = XElement.Parse(TimeSeriesChart.Render(Spec([new("a", [new(T0, 0.3)])])).Value);
        var flat = XElement.Parse(TimeSeriesChart.Render(Spec([new("a", [new(T0, 5), new(T0.AddHours(1), 5), new(T0.AddHours(2), 5)])])).Value);

        foreach (var figure in new[] { one, flat })
        {
            Assert.DoesNotContain("NaN", figure.ToString(), StringComparison.Ordinal);
            var ys = Marks(figure, "circle").Select(c => Num(c, "cy")).ToList();
            Assert.All(ys, y => Assert.InRange(y, TimeSeriesLayout.Top, TimeSeriesLayout.Bottom - 1));
            Assert.Single(ys.Distinct());
        }

        var marker = Assert.Single(Marks(one, "circle"));
        Assert.Equal((TimeSeriesChart.LayoutOf(Spec([new("a", [new(T0, 0.3)])])).Left + TimeSeriesLayout.Width - TimeSeriesLayout.Right) / 2, Num(marker, "cx"), 0.06);
        Assert.Empty(Marks(one, "polyline"));
    }

    [Fact]
    public void TimeSeries_ThresholdLine_IsDashedAtItsValue_AndTheAxisReachesIt()
    {
        var spec = Spec([new("drift score", [new(T0, 0.02), new(T0.AddHours(1), 0.04)])]) with { Threshold = new(0.1, "limit 0.1") };
        var layout = TimeSeriesChart.LayoutOf(spec);
        var figure = XElement.Parse(TimeSeriesChart.Render(spec).Value);

        var line = Assert.Single(Marks(figure, "line"), l => HasClass(l, "chart-threshold"));
        Assert.True(layout.YTicks[^1] >= 0.1);
        Assert.Equal(layout.Y.Map(0.1), Num(line, "y1"), 0.06);
        Assert.Equal(Num(line, "y1"), Num(line, "y2"));
        Assert.NotNull(line.Attribute("stroke-dasharray"));
        Assert.Contains(Marks(figure, "text"), t => t.Value == "limit 0.1");
    }

    [Fact]
    public void TimeSeries_BandsLegendAndTable_ShowEverySeries()
    {
        var a = new TimeSeriesChart.Series("estimated", [new(T0, 0.8, 0.7, 0.9), new(T0.AddHours(1), 0.82, 0.75, 0.89)]) { BandLabel = "±3 SE" };
        var b = new TimeSeriesChart.Series("realised", [new(T0.AddHours(1), 0.81)]);
        var figure = XElement.Parse(TimeSeriesChart.Render(Spec([a, b]) with { YFormat = "0%" }).Value);

        Assert.Single(Marks(figure, "polygon"));
        var legend = figure.Descendants().Single(e => (string?)e.Attribute("class") == "chart-legend");
        Assert.Equal(["estimated", "estimated: ±3 SE", "realised"], legend.Elements().Select(li => li.Value.Trim()));
        var rows = TableRows(figure);
        Assert.Equal(["Time (UTC)", "estimated", "estimated lower", "estimated upper", "realised"], rows[0]);
        Assert.Equal(["2025-03-14 12:00", "80%", "70%", "90%", "\u2014"], rows[1]);
        Assert.Equal(["2025-03-14 13:00", "82%", "75%", "89%", "81%"], rows[2]);
    }

    [Fact]
    public void TimeSeries_XLabels_AreUtcTimes_WithTheDateWhereTheDayChanges()
    {
        var points = Enumerable.Range(0, 13).Select(i => new TimeSeriesChart.Point(new DateTimeOffset(2025, 3, 14, 18, 0, 0, TimeSpan.FromHours(2)).AddHours(i), i)).ToList();
        var texts = Marks(XElement.Parse(TimeSeriesChart.Render(Spec([new("a", points)])).Value), "text").Select(t => t.Value).ToList();

        Assert.Contains("16:00", texts);
        Assert.Contains("14 Mar", texts);
        Assert.Contains("15 Mar", texts);
        Assert.Contains("00:00", texts);

        var seconds = Spec([new("a", [new(T0.AddSeconds(10), 1), new(T0.AddSeconds(40), 2)])]);
        var close = Marks(XElement.Parse(TimeSeriesChart.Render(seconds).Value), "text").Select(t => t.Value).ToList();
        Assert.Contains("12:00", close);
    }

    [Fact]
    public void Histogram_BarsAreProportionalToShares_TwoPerBin()
    {
        var histogram = new ColumnHistogram("income", "numeric", ["≤ 25", "25 – 31", "> 31"], [0.25, 0.5, 0.25], [0.5, 0.25, 0.25]);
        var figure = XElement.Parse(HistogramChart.Render("income", histogram, "Income").Value);

        var bars = Marks(figure, "rect").ToList();
        Assert.Equal(6, bars.Count);
        var reference = bars.Where(b => HasClass(b, "chart-reference")).ToList();
        var current = bars.Where(b => HasClass(b, "chart-current")).ToList();
        Assert.Equal(3, reference.Count);
        Assert.All(reference, b => Assert.Equal("#6b6b6b", b.Attribute("fill")!.Value));
        Assert.All(current, b => Assert.Equal("#0072B2", b.Attribute("fill")!.Value));
        Assert.Equal(2 * Num(reference[0], "height"), Num(reference[1], "height"), 0.2);
        Assert.Equal(Num(current[0], "height"), Num(reference[1], "height"), 0.1);
        Assert.Equal(Num(reference[0], "y") + Num(reference[0], "height"), Num(reference[1], "y") + Num(reference[1], "height"), 0.1);
        Assert.Equal("25 – 31: current 25.0% (\u221225.0 pp)", Title(current[1]));

        var rows = TableRows(figure);
        Assert.Equal(["Bin", "Reference", "Current", "Difference"], rows[0]);
        Assert.Equal(["≤ 25", "25.0%", "50.0%", "+25.0 pp"], rows[1]);
        Assert.Equal(["> 31", "25.0%", "25.0%", "0.0 pp"], rows[3]);
    }

    [Fact]
    public void Histogram_ManyBins_RotatesAndTruncatesLabels_KeepingTheFullOneInTheTooltip()
    {
        var bins = Enumerable.Range(0, 12).Select(i => $"category number {i} with a long name").ToList();
        var shares = bins.Select(_ => 1.0 / 12).ToList();
        var figure = XElement.Parse(HistogramChart.Render("cat", new ColumnHistogram("cat", "categorical", bins, shares, shares), "Categories").Value);

        var labels = Marks(figure, "text").Where(t => t.Attribute("transform") is not null).ToList();
        Assert.Equal(12, labels.Count);
        Assert.All(labels, l => Assert.StartsWith("rotate(-40", l.Attribute("transform")!.Value, StringComparison.Ordinal));
        Assert.Equal("category number 0 with a long name", Title(labels[0]));
        Assert.EndsWith("\u2026", labels[0].Nodes().OfType<XText>().Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Waterfall_RunsFromTheBaseToBasePlusContributions()
    {
        WaterfallChart.Feature[] steps = [new("debt_to_income", "1.4", 0.3), new("income", "52000", -0.1), new("age", null, 0.05)];
        var scale = WaterfallChart.Scale(0.2, steps, 0.45);
        var figure = XElement.Parse(WaterfallChart.Render("why", 0.2, steps, 0.45, "probability of default").Value);

        var bars = Marks(figure, "rect").Where(r => HasClass(r, "chart-bar")).ToList();
        Assert.Equal(4, bars.Count);
        Assert.True(HasClass(bars[0], "chart-raises"));
        Assert.Equal("#B8420F", bars[0].Attribute("fill")!.Value);
        Assert.True(HasClass(bars[1], "chart-lowers"));
        Assert.Equal("#0072B2", bars[1].Attribute("fill")!.Value);
        Assert.True(HasClass(bars[2], "chart-raises"));

        var total = bars[3];
        Assert.True(HasClass(total, "chart-total"));
        Assert.Equal(scale.Map(0.2), Num(total, "x"), 0.06);
        Assert.Equal(scale.Map(0.45), Num(total, "x") + Num(total, "width"), 0.1);
        Assert.Equal(scale.Map(0.5), Num(bars[1], "x") + Num(bars[1], "width"), 0.1);
        Assert.Equal(scale.Map(0.4), Num(bars[1], "x"), 0.06);
        Assert.DoesNotContain(figure.Descendants(), e => HasClass(e, "chart-note"));
        Assert.Contains(Marks(figure, "text"), t => t.Value == "debt_to_income = 1.4");
        Assert.Contains(Marks(figure, "text"), t => t.Value == "\u22120.1");

        var rows = TableRows(figure);
        Assert.Equal(["Feature", "Value", "Contribution", "Running total"], rows[0]);
        Assert.Equal(["Average (base value)", "", "", "0.2"], rows[1]);
        Assert.Equal(["debt_to_income", "1.4", "+0.3", "0.5"], rows[2]);
        Assert.Equal(["income", "52000", "\u22120.1", "0.4"], rows[3]);
        Assert.Equal(["age", "", "+0.05", "0.45"], rows[4]);
        Assert.Equal(["Prediction (output)", "0.45", "+0.25", "0.45"], rows[5]);
    }

    [Fact]
    public void Waterfall_OutputThatDoesNotAddUp_GetsANote()
    {
        var figure = XElement.Parse(WaterfallChart.Render("why", 0.2, [new("a", "1", 0.1)], 0.5, "score").Value);

        var note = Assert.Single(figure.Descendants(), e => HasClass(e, "chart-note"));
        Assert.Contains("0.5", note.Value, StringComparison.Ordinal);
        Assert.Contains("0.3", note.Value, StringComparison.Ordinal);
        var output = Assert.Single(Marks(figure, "line"), l => HasClass(l, "chart-output"));
        Assert.Equal(WaterfallChart.Scale(0.2, [new("a", "1", 0.1)], 0.5).Map(0.5), Num(output, "x1"), 0.06);
    }

    [Fact]
    public void Calibration_HasTheDiagonal_AndPointsWhereTheyBelong()
    {
        var figure = XElement.Parse(CalibrationChart.Render("cal", [new(0.6, 0.65, 400), new(0.2, 0.1, 100), new(0.9, 0.9, 0)]).Value);
        var x = CalibrationChart.XScale;
        var y = CalibrationChart.YScale;

        var diagonal = Assert.Single(Marks(figure, "line"), l => HasClass(l, "chart-diagonal"));
        Assert.Equal(x.Map(0), Num(diagonal, "x1"));
        Assert.Equal(y.Map(0), Num(diagonal, "y1"));
        Assert.Equal(x.Map(1), Num(diagonal, "x2"));
        Assert.Equal(y.Map(1), Num(diagonal, "y2"));
        Assert.NotNull(diagonal.Attribute("stroke-dasharray"));

        var points = Marks(figure, "circle").ToList();
        Assert.Equal(2, points.Count);
        Assert.Equal(x.Map(0.2), Num(points[0], "cx"), 0.06);
        Assert.Equal(y.Map(0.1), Num(points[0], "cy"), 0.06);
        Assert.True(Num(points[0], "r") < Num(points[1], "r"));
        Assert.Equal("predicted 0.20 \u2192 observed 0.10 (100 rows)", Title(points[0]));
        Assert.Equal(["0.2", "0.1", "100"], TableRows(figure)[1]);
    }

    [Fact]
    public void ShareBars_WidthsFollowShares_WithThePercentAtTheEnd()
    {
        var figure = XElement.Parse(ShareBars.Render("split", [new("champion v3", 0.9), new("challenger v4", 0.1, "canary")], "Traffic split").Value);

        var bars = Marks(figure, "rect").Where(r => HasClass(r, "chart-bar")).ToList();
        Assert.Equal(9 * Num(bars[1], "width"), Num(bars[0], "width"), 0.5);
        Assert.Contains(Marks(figure, "text"), t => t.Value == "10.0% \u00b7 canary");
        Assert.NotNull(figure.Descendants().SingleOrDefault(e => e.Name.LocalName == "details"));
    }

    [Fact]
    public void Ids_AreSanitised_UniqueWithinAChart_AndDistinctBetweenCharts()
    {
        var first = XElement.Parse(TimeSeriesChart.Render(Spec([new("a", [new(T0, 1), new(T0.AddHours(1), 2)])]) with { Id = "Drift: Income \"<b>\"" }).Value);
        var second = XElement.Parse(HistogramChart.Render("drift_age", new ColumnHistogram("age", "numeric", ["a"], [1], [1]), "Age").Value);

        Assert.Equal("drift-income-b", (string?)first.Attribute("id"));
        Assert.Equal("drift-age", (string?)second.Attribute("id"));
        var firstIds = Ids(first);
        var secondIds = Ids(second);
        foreach (var ids in new[] { firstIds, secondIds })
        {
            Assert.All(ids, id => Assert.Matches(IdPattern(), id));
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        Assert.Empty(firstIds.Intersect(secondIds));
        var svg = first.Descendants().Single(e => HasClass(e, "chart-svg"));
        Assert.Equal("img", (string?)svg.Attribute("role"));
        Assert.Contains((string?)svg.Attribute("aria-labelledby"), firstIds);
        Assert.Contains((string?)svg.Attribute("aria-describedby"), firstIds);
        Assert.Equal("100%", (string?)svg.Attribute("width"));
        Assert.NotNull(svg.Attribute("viewBox"));
        Assert.Contains("url(#drift-income-b-plot)", first.ToString(), StringComparison.Ordinal);
        Assert.Equal("chart", ChartIds.Sanitize("<>"));
    }

    [Fact]
    public void EveryChart_HasCaptionTitleDescriptionAndDataTable()
    {
        var charts = new[]
        {
            TimeSeriesChart.Render(Spec([new("a", [new(T0, 1)])])),
            HistogramChart.Render("h", new ColumnHistogram("c", "numeric", ["a"], [1], [1]), "H"),
            WaterfallChart.Render("w", 0, [], 0, "score"),
            CalibrationChart.Render("c", [new(0.5, 0.5, 1)]),
            ShareBars.Render("s", [new("a", 1)], "S"),
        };

        foreach (var figure in charts.Select(c => XElement.Parse(c.Value)))
        {
            Assert.True(HasClass(figure, "chart"));
            Assert.Single(figure.Elements("figcaption"));
            var svg = figure.Elements().Single(e => e.Name.LocalName == "svg");
            Assert.Equal("title", svg.Elements().First().Name.LocalName);
            Assert.Equal("desc", svg.Elements().ElementAt(1).Name.LocalName);
            Assert.False(string.IsNullOrWhiteSpace(svg.Elements().ElementAt(1).Value));
            Assert.Equal("Data table", figure.Element("details")!.Element("summary")!.Value);
            Assert.All(svg.Descendants().Where(e => e.Name.LocalName == "text"), t => Assert.True(Num(t, "font-size") >= 11));
        }
    }

    private static TimeSeriesChart.Spec Spec(IReadOnlyList<TimeSeriesChart.Series> series) => new("ts", "Drift of income", "drift score (Jensen–Shannon distance)", series);

    private static IEnumerable<XElement> Marks(Html chart, string name) => Marks(XElement.Parse(chart.Value), name);

    private static IEnumerable<XElement> Marks(XElement figure, string name) =>
        figure.Descendants().Single(e => HasClass(e, "chart-svg")).Descendants().Where(e => e.Name.LocalName == name);

    private static bool HasClass(XElement element, string name) =>
        ((string?)element.Attribute("class") ?? string.Empty).Split(' ').Contains(name);

    private static double Num(XElement element, string attribute) => double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static string Title(XElement element) => element.Elements().Single(e => e.Name.LocalName == "title").Value;

    private static List<string[]> TableRows(XElement figure) =>
        figure.Descendants("tr").Select(tr => tr.Elements().Select(c => c.Value).ToArray()).ToList();

    private static List<string> Ids(XElement figure) =>
        figure.DescendantsAndSelf().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex IdPattern();
}
