using System.Diagnostics.CodeAnalysis;

namespace Ferry.Core.Signatures;

/// <summary>
/// The element type names used in <see cref="TensorSpec.ElementType"/>. Tensor element types use NumPy's names;
/// containers that are not tensors (ONNX sequences and maps, such as the <c>ZipMap</c> output of a scikit-learn
/// classifier) are written <c>seq(T)</c> and <c>map(K,V)</c>, for example <c>seq(map(int64,float32))</c>.
/// </summary>
/// <remarks>
/// MLflow mapping: a tensor spec's <c>dtype</c> is the same name (MLflow writes <c>str</c> for <see cref="String"/>);
/// a column spec's <c>type</c> is <c>float</c> (float32), <c>double</c> (float64), <c>integer</c> (int32),
/// <c>long</c> (int64), <c>boolean</c> (bool), <c>string</c> (string), <c>datetime</c> (datetime). MLflow has no
/// equivalent of the sequence and map names.
/// </remarks>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are the type names they stand for.")]
public static class ElementTypes
{
    /// <summary>32-bit IEEE float (ONNX <c>float</c>, ML.NET <c>Single</c>).</summary>
    public const string Float32 = "float32";

    /// <summary>64-bit IEEE float (ONNX <c>double</c>, ML.NET <c>Double</c>).</summary>
    public const string Float64 = "float64";

    /// <summary>16-bit IEEE float.</summary>
    public const string Float16 = "float16";

    /// <summary>bfloat16.</summary>
    public const string BFloat16 = "bfloat16";

    /// <summary>Signed 8-bit integer.</summary>
    public const string Int8 = "int8";

    /// <summary>Signed 16-bit integer.</summary>
    public const string Int16 = "int16";

    /// <summary>Signed 32-bit integer.</summary>
    public const string Int32 = "int32";

    /// <summary>Signed 64-bit integer.</summary>
    public const string Int64 = "int64";

    /// <summary>Unsigned 8-bit integer.</summary>
    public const string UInt8 = "uint8";

    /// <summary>Unsigned 16-bit integer.</summary>
    public const string UInt16 = "uint16";

    /// <summary>Unsigned 32-bit integer (also the raw type of ML.NET key columns).</summary>
    public const string UInt32 = "uint32";

    /// <summary>Unsigned 64-bit integer.</summary>
    public const string UInt64 = "uint64";

    /// <summary>Boolean.</summary>
    public const string Bool = "bool";

    /// <summary>UTF-8 text (ONNX <c>string</c>, ML.NET <c>Text</c>).</summary>
    public const string String = "string";

    /// <summary>A date and time (ML.NET <c>DateTime</c>).</summary>
    public const string DateTime = "datetime";

    /// <summary>A sequence of <paramref name="element"/>: <c>seq(element)</c>.</summary>
    /// <param name="element">The element type name.</param>
    /// <returns>The sequence type name.</returns>
    public static string Sequence(string element) => $"seq({element})";

    /// <summary>A map from <paramref name="key"/> to <paramref name="value"/>: <c>map(key,value)</c>.</summary>
    /// <param name="key">The key type name.</param>
    /// <param name="value">The value type name.</param>
    /// <returns>The map type name.</returns>
    public static string Map(string key, string value) => $"map({key},{value})";
}
