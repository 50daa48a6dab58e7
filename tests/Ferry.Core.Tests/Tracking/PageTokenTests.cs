using System.Text;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;
using Xunit;

namespace Ferry.Core.Tests.Tracking;

public sealed class PageTokenTests
{
    [Fact]
    public void RoundTrips_AndIsBase64OfAnOffsetObject()
    {
        var token = PageToken.Encode(42);
        Assert.Equal(42, PageToken.Decode(token));
        Assert.Contains("\"offset\"", Encoding.UTF8.GetString(Convert.FromBase64String(token)), StringComparison.Ordinal);
        Assert.Equal(0, PageToken.Decode(null));
        Assert.Equal(0, PageToken.Decode(string.Empty));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("e30=")]
    [InlineData("eyJvZmZzZXQiOiAtMX0=")]
    public void Invalid_IsRefused(string token)
    {
        Assert.Throws<TrackingRequestException>(() => PageToken.Decode(token));
    }

    [Theory]
    [InlineData("a", null)]
    [InlineData("metrics/val loss", null)]
    [InlineData("../x", "Invalid metric name")]
    [InlineData("/abs", "Invalid metric name")]
    [InlineData("semi;colon", "Invalid metric name")]
    [InlineData("", "Missing value")]
    public void Key_IsAcceptedOrRefused_WithMlflowsMessage(string key, string? error)
    {
        if (error is null)
        {
            TrackingLimits.CheckKey(key, "metric");
            return;
        }

        var e = Assert.Throws<TrackingRequestException>(() => TrackingLimits.CheckKey(key, "metric"));
        Assert.StartsWith(error, e.Message, StringComparison.Ordinal);
    }
}
