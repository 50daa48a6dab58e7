namespace Ferry.Core.Governance;

/// <summary>Which groups a principal (a token's name) belongs to; groups carry per-resource grants and may be named as approvers.</summary>
public interface IGroupDirectory
{
    /// <summary>The names of the groups <paramref name="principal"/> is a member of (empty when none).</summary>
    Task<IReadOnlyList<string>> GroupsOfAsync(string principal, CancellationToken cancellationToken);
}
