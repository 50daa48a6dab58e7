namespace Ferry.Statistics.Profiles;

/// <summary>
/// The fixed layout of one monitored column, derived once from the reference data. Numeric columns are binned by
/// <see cref="BinEdges"/>: with interior edges e₀ &lt; e₁ &lt; … &lt; e_last the bins are (−∞, e₀], (e₀, e₁], …,
/// (e_last, +∞), so there are <c>BinEdges.Length + 1</c> bins and a value equal to an edge falls in the bin the edge
/// closes. Categorical columns are laid out by <see cref="ReferenceCategories"/>.
/// </summary>
public sealed class ColumnSchema
{
    /// <summary>Column name.</summary>
    public required string Name { get; init; }

    /// <summary>Numeric or categorical.</summary>
    public required ColumnKind Kind { get; init; }

    /// <summary>Interior bin edges, strictly increasing (numeric columns; empty for categorical ones).</summary>
    public double[] BinEdges { get; init; } = [];

    /// <summary>Smallest finite reference value (numeric; NaN when the reference had none).</summary>
    public double ReferenceMin { get; init; } = double.NaN;

    /// <summary>Largest finite reference value (numeric; NaN when the reference had none).</summary>
    public double ReferenceMax { get; init; } = double.NaN;

    /// <summary>Distinct reference categories in ordinal order (categorical; empty for numeric columns).</summary>
    public IReadOnlyList<string> ReferenceCategories { get; init; } = [];

    /// <summary>A numeric column layout.</summary>
    /// <exception cref="ArgumentException">The edges are not strictly increasing finite numbers.</exception>
    public static ColumnSchema Numeric(string name, double[] binEdges, double referenceMin, double referenceMax)
    {
        ArgumentNullException.ThrowIfNull(binEdges);
        for (var i = 0; i < binEdges.Length; i++)
        {
            if (!double.IsFinite(binEdges[i]) || (i > 0 && !(binEdges[i] > binEdges[i - 1])))
            {
                throw new ArgumentException("Bin edges must be finite and strictly increasing.", nameof(binEdges));
            }
        }

        return new ColumnSchema
        {
            Name = name,
            Kind = ColumnKind.Numeric,
            BinEdges = binEdges,
            ReferenceMin = referenceMin,
            ReferenceMax = referenceMax,
        };
    }

    /// <summary>A categorical column layout; categories are de-duplicated and sorted ordinally.</summary>
    public static ColumnSchema Categorical(string name, IEnumerable<string> referenceCategories)
    {
        ArgumentNullException.ThrowIfNull(referenceCategories);
        var categories = referenceCategories.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new ColumnSchema { Name = name, Kind = ColumnKind.Categorical, ReferenceCategories = categories };
    }
}
