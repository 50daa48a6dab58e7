using System.Text.Json.Serialization;

namespace Ferry.Statistics.Profiles;

/// <summary>
/// Mergeable profiles of every monitored column over some rows (a time bucket, a replica, a whole reference). Merging
/// adds row counts and merges column by column; it is exactly associative and commutative apart from the floating-point
/// sums noted on <see cref="ColumnProfile"/>. Not thread-safe.
/// </summary>
public sealed class DatasetProfile
{
    private readonly Dictionary<string, ColumnProfile> _columns;

    /// <summary>Restores a dataset profile (used by System.Text.Json); prefer <see cref="Empty"/>.</summary>
    /// <exception cref="ArgumentException">A column is filed under a name other than its own.</exception>
    [JsonConstructor]
    public DatasetProfile(long rows, IReadOnlyDictionary<string, ColumnProfile> columns, long refusedRequests = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(refusedRequests);
        RefusedRequests = refusedRequests;
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
        _columns = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        foreach (var (name, column) in columns)
        {
            if (!string.Equals(name, column.Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Column '{column.Name}' is filed under '{name}'.", nameof(columns));
            }

            _columns.Add(name, column);
        }
    }

    /// <summary>Rows folded in (as reported through <see cref="AddRowCount"/>).</summary>
    public long Rows { get; private set; }

    /// <summary>Requests refused as invalid (400) whose rows therefore were not served.</summary>
    public long RefusedRequests { get; private set; }

    /// <summary>Column profiles by name.</summary>
    public IReadOnlyDictionary<string, ColumnProfile> Columns => _columns;

    /// <summary>Empty profiles for every column of <paramref name="schema"/>, in schema order.</summary>
    public static DatasetProfile Empty(ProfileSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        foreach (var column in schema.Columns)
        {
            columns.Add(column.Name, ColumnProfile.Empty(column));
        }

        return new DatasetProfile(0, columns);
    }

    /// <summary>Merges two dataset profiles into a new one.</summary>
    /// <exception cref="ArgumentException">The column sets or layouts differ.</exception>
    public static DatasetProfile Merge(DatasetProfile a, DatasetProfile b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var merged = a.Clone();
        merged.MergeFrom(b);
        return merged;
    }

    /// <summary>Merges any number of profiles (at least one) into a new one.</summary>
    public static DatasetProfile Merge(IEnumerable<DatasetProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        DatasetProfile? merged = null;
        foreach (var profile in profiles)
        {
            if (merged is null)
            {
                merged = profile.Clone();
            }
            else
            {
                merged.MergeFrom(profile);
            }
        }

        return merged ?? throw new ArgumentException("At least one profile is needed.", nameof(profiles));
    }

    /// <summary>Counts rows that were folded into the column profiles.</summary>
    public void AddRowCount(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows += rows;
    }

    /// <summary>Counts one request refused as invalid.</summary>
    public void AddRefusedRequest() => RefusedRequests++;

    /// <summary>Adds another profile of the same layout into this one.</summary>
    /// <exception cref="ArgumentException">The column sets or layouts differ.</exception>
    public void MergeFrom(DatasetProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._columns.Count != _columns.Count)
        {
            throw new ArgumentException("Dataset profiles with different columns cannot be merged.", nameof(other));
        }

        foreach (var (name, column) in _columns)
        {
            if (!other._columns.TryGetValue(name, out var otherColumn) || !column.HasSameLayout(otherColumn))
            {
                throw new ArgumentException($"Column '{name}' is missing or laid out differently in the other profile.", nameof(other));
            }
        }

        foreach (var (name, column) in _columns)
        {
            column.MergeFrom(other._columns[name]);
        }

        Rows += other.Rows;
        RefusedRequests += other.RefusedRequests;
    }

    /// <summary>A deep copy.</summary>
    public DatasetProfile Clone()
    {
        var columns = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        foreach (var (name, column) in _columns)
        {
            columns.Add(name, column.Clone());
        }

        return new DatasetProfile(Rows, columns, RefusedRequests);
    }
}
