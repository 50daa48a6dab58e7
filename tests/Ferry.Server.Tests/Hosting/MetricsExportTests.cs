using System.Diagnostics.Metrics;
using Ferry.Server.Hosting;
using Ferry.Testing;
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
    [InlineData("Microsoft.AspNetCore.MemoryPool", false)]
    public void OnlyMetersNotCountedElsewhere_AreExported(string meterName, bool exported)
    {
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("probe");

        Assert.Equal(exported, MetricsExport.Exported(counter));
    }

    [Fact]
    public async Task KestrelBufferPoolInstruments_OfARealServer_AreNotExported()
    {
        // Found by their instrument names on a server that has answered a request, whatever meter Kestrel puts them on.
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        using var client = server.CreateClient();
        (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).EnsureSuccessStatusCode();
        var pool = new List<Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Name.StartsWith("aspnetcore.memory_pool", StringComparison.Ordinal))
                {
                    lock (pool)
                    {
                        pool.Add(instrument);
                    }
                }
            };
            listener.Start();
        }

        Assert.NotEmpty(pool);
        Assert.All(pool, instrument => Assert.False(MetricsExport.Exported(instrument), $"{instrument.Meter.Name}/{instrument.Name} is bridged to /metrics"));
    }
}
