namespace Ferry.Core.Monitoring;

/// <summary>A check's outcome as the alert bookkeeping needs it.</summary>
/// <param name="Key">Stable key, e.g. <c>drift:income</c>.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Message">What it found, in words.</param>
public sealed record CheckOutcome(string Key, bool Passed, string Message);
