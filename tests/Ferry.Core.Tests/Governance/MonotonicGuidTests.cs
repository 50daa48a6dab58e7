using Ferry.Core.Governance;
using Xunit;

namespace Ferry.Core.Tests.Governance;

public sealed class MonotonicGuidTests
{
    [Fact]
    public void Next_ManyWithinOneMillisecond_IncreaseStrictlyAsBytesAndAsSqliteText()
    {
        // 20,000 GUIDs take a few milliseconds, so most share their millisecond with others (where
        // Guid.CreateVersion7 alone orders randomly).
        var ids = Enumerable.Range(0, 20_000).Select(_ => MonotonicGuid.Next()).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString().ToUpperInvariant(), ids[i].ToString().ToUpperInvariant()) < 0);
            Assert.Equal(7, ids[i].Version);
        }
    }
}
