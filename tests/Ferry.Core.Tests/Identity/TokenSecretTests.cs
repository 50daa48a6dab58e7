using Ferry.Core.Identity;
using Xunit;

namespace Ferry.Core.Tests.Identity;

public sealed class TokenSecretTests
{
    [Fact]
    public void Hash_IsSha256Hex_OfTheUtf8Secret()
    {
        // python3 -c "import hashlib; print(hashlib.sha256(b'fry_test-secret').hexdigest())"
        Assert.Equal("a41619ad33cb41f4d57a7b038044cc61d162f26451eb2328c7b2485bab86486b", TokenSecret.Hash("fry_test-secret"));
    }

    [Fact]
    public void Generate_Has256RandomBits_AndNeverRepeats()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => TokenSecret.Generate()).ToList();
        Assert.All(secrets, s =>
        {
            Assert.StartsWith(TokenSecret.Prefix, s, StringComparison.Ordinal);
            Assert.Equal(TokenSecret.Prefix.Length + 43, s.Length); // 32 bytes -> 43 base64url characters
            Assert.Matches("^fry_[A-Za-z0-9_-]{43}$", s);
        });
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void DisplayPrefix_RevealsOnlyTheFirstCharacters()
    {
        var secret = TokenSecret.Generate();
        var prefix = TokenSecret.DisplayPrefixOf(secret);
        Assert.Equal(TokenSecret.DisplayPrefixLength, prefix.Length);
        Assert.StartsWith(prefix, secret, StringComparison.Ordinal);
    }

    [Fact]
    public void HashesEqual_ComparesExactly()
    {
        var a = TokenSecret.Hash("a");
        Assert.True(TokenSecret.HashesEqual(a, TokenSecret.Hash("a")));
        Assert.False(TokenSecret.HashesEqual(a, TokenSecret.Hash("b")));
    }
}
