using Ferry.Core.Identity;
using Xunit;

namespace Ferry.Core.Tests.Identity;

public sealed class RoleTests
{
    [Theory]
    [InlineData(Role.Viewer, Role.Viewer, true)]
    [InlineData(Role.Viewer, Role.Scientist, false)]
    [InlineData(Role.Scientist, Role.Viewer, true)]
    [InlineData(Role.Scientist, Role.Approver, false)]
    [InlineData(Role.Approver, Role.Scientist, true)]
    [InlineData(Role.Approver, Role.Admin, false)]
    [InlineData(Role.Admin, Role.Approver, true)]
    public void Satisfies_FollowsViewerScientistApproverAdmin(Role held, Role required, bool expected) =>
        Assert.Equal(expected, held.Satisfies(required));

    [Theory]
    [InlineData("viewer", Role.Viewer)]
    [InlineData("Scientist", Role.Scientist)]
    [InlineData(" APPROVER ", Role.Approver)]
    [InlineData("admin", Role.Admin)]
    public void TryParse_AcceptsWireNamesCaseInsensitively(string text, Role expected)
    {
        Assert.True(Roles.TryParse(text, out var role));
        Assert.Equal(expected, role);
        Assert.Equal(text.Trim().ToLowerInvariant(), role.ToWireName());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("root")]
    [InlineData("4")]
    [InlineData("Admin2")]
    public void TryParse_RefusesAnythingElse(string? text) => Assert.False(Roles.TryParse(text, out _));
}
