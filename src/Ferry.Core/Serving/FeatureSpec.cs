namespace Ferry.Core.Serving;

/// <summary>The kinds of value a request field can hold.</summary>
public enum FeatureKind
{
    /// <summary>A real number (JSON number; served as float32 or float64).</summary>
    Number,

    /// <summary>A whole number (JSON number without fraction).</summary>
    WholeNumber,

    /// <summary>Text (JSON string), e.g. a category.</summary>
    Text,

    /// <summary>true/false.</summary>
    Boolean,
}

/// <summary>One field a request record carries.</summary>
/// <param name="Name">Field name as callers send it.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="AllowNaN">Whether NaN (or a missing value encoded as NaN) is acceptable for a number.</param>
public sealed record FeatureSpec(string Name, FeatureKind Kind, bool AllowNaN = false);
