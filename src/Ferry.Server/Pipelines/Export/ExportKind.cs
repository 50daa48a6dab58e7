using System.Diagnostics.CodeAnalysis;

namespace Ferry.Server.Pipelines.Export;

/// <summary>The Parquet type of an input feature's column in a prediction export.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are the Parquet types they stand for.")]
public enum ExportKind
{
    /// <summary>32-bit float (a float32 signature input).</summary>
    Float,

    /// <summary>64-bit float (a float64 signature input, or logged JSON numbers without an agreeing signature).</summary>
    Double,

    /// <summary>32-bit integer (int8/int16/int32/uint8/uint16 signature inputs).</summary>
    Int,

    /// <summary>64-bit integer (int64/uint32 signature inputs).</summary>
    Long,

    /// <summary>Boolean (a bool signature input, or logged JSON true/false).</summary>
    Bool,

    /// <summary>Text: strings, and anything typed differently by the versions or the logged values (as JSON text).</summary>
    Text,
}
