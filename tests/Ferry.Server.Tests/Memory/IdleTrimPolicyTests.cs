using Ferry.Server.Memory;
using Xunit;

namespace Ferry.Server.Tests.Memory;

public sealed class IdleTrimPolicyTests
{
    private const long Quiet = 1000;

    [Fact]
    public void Observe_QuietAfterActivity_TrimsOnceAfterTheQuietChecks()
    {
        var policy = new IdleTrimPolicy(quietChecks: 3, quietBytes: Quiet);
        Assert.False(policy.Observe(0));
        Assert.False(policy.Observe(50_000)); // busy
        Assert.False(policy.Observe(50_100)); // quiet 1
        Assert.False(policy.Observe(50_200)); // quiet 2
        Assert.True(policy.Observe(50_300)); // quiet 3: trim
        Assert.False(policy.Observe(50_400)); // still idle: not again
        Assert.False(policy.Observe(50_500));
        Assert.False(policy.Observe(50_600));
    }

    [Fact]
    public void Observe_NeverBusy_NeverTrims()
    {
        var policy = new IdleTrimPolicy(quietChecks: 2, quietBytes: Quiet);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(policy.Observe(i * 10L));
        }
    }

    [Fact]
    public void Observe_ActivityDuringTheQuietCount_StartsTheCountAgain()
    {
        var policy = new IdleTrimPolicy(quietChecks: 2, quietBytes: Quiet);
        policy.Observe(0);
        policy.Observe(10_000); // busy
        Assert.False(policy.Observe(10_100)); // quiet 1
        Assert.False(policy.Observe(20_000)); // busy again
        Assert.False(policy.Observe(20_100)); // quiet 1
        Assert.True(policy.Observe(20_200)); // quiet 2: trim
    }

    [Fact]
    public void Observe_BusyAgainAfterATrim_TrimsAgainAtTheNextQuiet()
    {
        var policy = new IdleTrimPolicy(quietChecks: 1, quietBytes: Quiet);
        policy.Observe(0);
        policy.Observe(5_000);
        Assert.True(policy.Observe(5_000));
        Assert.False(policy.Observe(9_000 + Quiet)); // busy
        Assert.True(policy.Observe(9_000 + Quiet));
    }
}
