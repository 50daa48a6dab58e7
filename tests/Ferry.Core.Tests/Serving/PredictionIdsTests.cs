using Ferry.Core.Serving;
using Xunit;

namespace Ferry.Core.Tests.Serving;

/// <summary>
/// The router's prediction ids: RFC 9562 version-7 GUIDs laid out as .NET's own <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// (same time bytes, version and variant), their time read back, ordered by time, and unique over more ids than one
/// refill of the random pool holds.
/// </summary>
public sealed class PredictionIdsTests
{
    [Fact]
    public void NewVersion7_IsLaidOutAsDotNetsOwn_AndNamesItsTime()
    {
        foreach (var ms in new[] { 0L, 1L, 1_765_000_000_123L, (1L << 48) - 1 })
        {
            var ours = PredictionIds.NewVersion7(ms);
            var theirs = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ms, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())));
            var a = ours.ToByteArray(bigEndian: true);
            Assert.Equal(7, ours.Version);
            Assert.Equal(0x80, a[8] & 0xC0); // variant 10
            Assert.Equal(ms, PredictionIds.EmbeddedTime(ours));
            if (ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                var b = theirs.ToByteArray(bigEndian: true);
                Assert.Equal(b[..6], a[..6]);
                Assert.Equal(b[6] & 0xF0, a[6] & 0xF0);
                Assert.Equal(b[8] & 0xC0, a[8] & 0xC0);
            }
        }
    }

    [Fact]
    public void NewVersion7_OrdersByTime_AndRepeatsNoId()
    {
        var seen = new HashSet<Guid>();
        var previous = PredictionIds.NewVersion7(1_000);
        for (var i = 0; i < 100_000; i++)
        {
            var id = PredictionIds.NewVersion7(1_001 + (i / 100));
            Assert.True(seen.Add(id));
            if (i % 100 == 0)
            {
                Assert.True(id.CompareTo(previous) > 0); // a later millisecond sorts after
                Assert.True(string.CompareOrdinal(id.ToString(), previous.ToString()) > 0);
            }

            previous = id;
        }

        // 74 random bits each: over 100,000 ids every random byte position takes many values (not a constant pool).
        var sixth = seen.Select(g => g.ToByteArray(bigEndian: true)[15]).Distinct().Count();
        Assert.True(sixth > 200, $"byte 15 took only {sixth} values");
    }

    [Fact]
    public void NewVersion7_RefusesTimesOutsideFortyEightBits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PredictionIds.NewVersion7(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PredictionIds.NewVersion7(1L << 48));
    }
}
