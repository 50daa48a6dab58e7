using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

/// <summary>How a replica's new rows of a bucket are folded into what it stored for that bucket before.</summary>
public static class BucketProfileMerge
{
    /// <summary>
    /// Merges <paramref name="delta"/> into <paramref name="stored"/> and returns the profile to store. When their layouts
    /// differ (a reference was set during the bucket), the delta, laid out by the newer reference, replaces the stored
    /// part of the bucket and is returned instead.
    /// </summary>
    public static DatasetProfile Merge(DatasetProfile stored, DatasetProfile delta)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(delta);
        try
        {
            stored.MergeFrom(delta);
        }
        catch (ArgumentException)
        {
            return delta;
        }

        return stored;
    }
}
