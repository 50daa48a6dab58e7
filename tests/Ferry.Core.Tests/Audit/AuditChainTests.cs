using Ferry.Core.Audit;
using Xunit;

namespace Ferry.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ComputeHash_MatchesAnIndependentlyComputedVector()
    {
        // Expected value computed outside .NET, with Python's hashlib over the documented netstring form:
        //   f = ['1','2026-01-02T03:04:05.123456Z','alice','token.create','token/1','{"name":"ci","note":"é<&>"}','0'*64]
        //   hashlib.sha256(''.join(f'{len(x.encode())}:{x},' for x in f).encode()).hexdigest()
        var e = new AuditEvent
        {
            Sequence = 1,
            OccurredAt = Start.AddTicks(1_234_567), // .1234567 s: the 7th digit is dropped
            Actor = "alice",
            Action = "token.create",
            Target = "token/1",
            Summary = "{\"name\":\"ci\",\"note\":\"é<&>\"}",
            PreviousHash = AuditChain.GenesisHash,
            Hash = string.Empty,
        };

        Assert.Equal(
            "1:1,27:2026-01-02T03:04:05.123456Z,5:alice,12:token.create,7:token/1,28:{\"name\":\"ci\",\"note\":\"é<&>\"},64:" + new string('0', 64) + ",",
            AuditChain.CanonicalText(e));
        Assert.Equal("20048ddf992778349ffaea295f1bb67a91fe81b13db920eeb280e9372f46aeef", AuditChain.ComputeHash(e));
    }

    [Fact]
    public void Normalize_TruncatesToMicrosecondsInUtc()
    {
        var local = new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddTicks(9);
        var normalized = AuditChain.Normalize(local);
        Assert.Equal(TimeSpan.Zero, normalized.Offset);
        Assert.Equal(Start, normalized);
    }

    [Fact]
    public void Append_LinksEachEventToThePrevious()
    {
        var chain = Build(3);
        Assert.Equal(AuditChain.GenesisHash, chain[0].PreviousHash);
        Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
        Assert.Equal(chain[1].Hash, chain[2].PreviousHash);
        Assert.Equal([1L, 2L, 3L], chain.Select(e => e.Sequence));
        Assert.True(AuditVerifier.Verify(chain).IsValid);
        Assert.Equal(3, AuditVerifier.Verify(chain).EventsChecked);
    }

    [Fact]
    public void Verify_EmptyChain_IsValid()
    {
        var result = AuditVerifier.Verify([]);
        Assert.True(result.IsValid);
        Assert.Equal(0, result.EventsChecked);
    }

    [Theory]
    [InlineData("actor")]
    [InlineData("action")]
    [InlineData("target")]
    [InlineData("summary")]
    [InlineData("time")]
    public void Verify_EditedField_ReportsThatEvent(string field)
    {
        var chain = Build(4);
        var victim = chain[2];
        switch (field)
        {
            case "actor": victim.Actor = "mallory"; break;
            case "action": victim.Action = "token.delete"; break;
            case "target": victim.Target = "token/other"; break;
            case "summary": victim.Summary = "{}"; break;
            default: victim.OccurredAt = victim.OccurredAt.AddSeconds(1); break;
        }

        var result = AuditVerifier.Verify(chain);
        Assert.False(result.IsValid);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("edited", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RehashedEdit_IsCaughtAtTheNextLink()
    {
        var chain = Build(4);
        chain[1].Actor = "mallory";
        chain[1].Hash = AuditChain.ComputeHash(chain[1]); // the forger recomputes this event's hash...
        var result = AuditVerifier.Verify(chain);
        Assert.False(result.IsValid);
        Assert.Equal(3, result.FirstBrokenSequence);  // ...but the next event still points at the old one
        Assert.Contains("previous-hash", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DeletedEvent_ReportsTheGap()
    {
        var chain = Build(4);
        chain.RemoveAt(1);
        var result = AuditVerifier.Verify(chain);
        Assert.False(result.IsValid);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TruncatedHead_IsReported()
    {
        var chain = Build(3);
        chain.RemoveAt(0);
        var result = AuditVerifier.Verify(chain);
        Assert.False(result.IsValid);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_AgreesWithVerify()
    {
        var chain = Build(5);
        chain[4].Summary = "{\"x\":1}";
        var result = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable());
        Assert.Equal(AuditVerifier.Verify(chain), result);
        Assert.Equal(5, result.FirstBrokenSequence);
    }

    private static List<AuditEvent> Build(int count)
    {
        var chain = new List<AuditEvent>();
        for (var i = 0; i < count; i++)
        {
            var record = AuditRecord.Of("token.create", $"token/{i}", new { Name = $"t{i}" });
            chain.Add(AuditChain.Append(chain.LastOrDefault(), Start.AddMinutes(i), "admin", record));
        }

        return chain;
    }
}
