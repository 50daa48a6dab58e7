namespace Ferry.Statistics.Profiles;

/// <summary>How a monitored column is summarised.</summary>
public enum ColumnKind
{
    /// <summary>Real numbers: histogram over reference-quantile bins, quantile sketch, moments, range checks.</summary>
    Numeric,

    /// <summary>Strings: category counts against the reference categories.</summary>
    Categorical,
}
