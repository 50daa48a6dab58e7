namespace Ferry.Core.Audit;

/// <summary>Filters for reading the audit trail; every filter is optional and they combine with AND.</summary>
public sealed record AuditQuery
{
    /// <summary>The most events one query returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Exact actor name.</summary>
    public string? Actor { get; init; }

    /// <summary>Exact action, or a prefix ending in '.' ("token." matches every token action).</summary>
    public string? Action { get; init; }

    /// <summary>Exact target, or a prefix ending in '/' ("token/" matches every token).</summary>
    public string? Target { get; init; }

    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Events strictly before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events with a sequence greater than this (paging forward).</summary>
    public long? AfterSequence { get; init; }

    /// <summary>Only events with a sequence lower than this (paging backward, with <see cref="NewestFirst"/>).</summary>
    public long? BeforeSequence { get; init; }

    /// <summary>Newest events first instead of oldest first.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>Maximum events returned (1..<see cref="MaxLimit"/>).</summary>
    public int Limit { get; init; } = 100;
}
