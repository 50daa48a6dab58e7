using System.Diagnostics.Metrics;
using Ferry.Server.Hosting;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>Which meters /metrics bridges: Ferry's and the runtime's, not ASP.NET Core's per-request ones (counted by prometheus-net already).</summary>
public sealed class MetricsExportTests
{
    [Theory]
    [InlineData("Ferry", true)]
    [InlineData("System.Runtime", true)]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", true)]
    [InlineData("Microsoft.AspNetCore.Hosting", false)]
    [InlineData("Microsoft.AspNetCore.Routing", false)]
    [InlineData("Microsoft.AspNetCore.Authentication", false)]
    [InlineData("Microsoft.AspNetCore.Authorization", false)]
    public void OnlyMetersNotCountedElsewhere_AreExported(string meterName, bool exported)
    {
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("probe");

        Assert.Equal(exported, MetricsExport.Exported(counter));
    }
}
