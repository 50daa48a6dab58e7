using Ferry.Storage.Sqlite;
using Xunit;

namespace Ferry.Storage.Tests.Tracking;

public sealed class SqliteDialectTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a%c", "a*c")]
    [InlineData("a_c", "a?c")]
    [InlineData("100*", "100[*]")]
    [InlineData("why?", "why[?]")]
    [InlineData("[x]%", "[[]x]*")]
    public void LikeToGlob_MapsWildcardsAndEscapesGlobMetacharacters(string like, string glob) =>
        Assert.Equal(glob, SqliteDialect.LikeToGlob(like));
}
