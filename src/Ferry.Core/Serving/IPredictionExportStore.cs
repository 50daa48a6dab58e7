namespace Ferry.Core.Serving;

/// <summary>
/// Port: reads a window of an endpoint's prediction log as a stream, for export to analysts' files, without holding
/// the window in memory.
/// </summary>
public interface IPredictionExportStore
{
    /// <summary>
    /// The endpoint's predictions served in [<paramref name="fromMs"/>, <paramref name="toMs"/>) (epoch ms), in
    /// (time, id) order, each with its feedback. Read in bounded pages (keyset paging), so rows logged while it runs
    /// after the last page read may or may not appear.
    /// </summary>
    IAsyncEnumerable<PredictionWithFeedback> StreamWindowAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default);
}
