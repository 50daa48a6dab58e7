namespace Ferry.Core.Signatures;

/// <summary>
/// One named input or output of a model: an ONNX graph input/output or an ML.NET schema column.
/// </summary>
/// <remarks>
/// <para><see cref="Shape"/> always counts the batch (row) dimension first, with <c>-1</c> for any dimension whose size
/// is not fixed (ONNX symbolic or unknown dimensions, ML.NET variable-size vectors). An ONNX <c>float[batch,4]</c>
/// input is <c>[-1, 4]</c>; an ML.NET scalar column is <c>[-1]</c> (one value per row) and a vector column of size
/// 3 is <c>[-1, 3]</c>. Containers that are not tensors (<c>seq(...)</c>, <c>map(...)</c>) have an empty shape.</para>
/// <para>MLflow mapping: a spec with a shape other than <c>[-1]</c> corresponds to MLflow's tensor spec
/// (<c>{"type": "tensor", "tensor-spec": {"dtype": ElementType, "shape": Shape}, "name": Name}</c>); a scalar
/// per-row spec (<c>[-1]</c>) corresponds to MLflow's column spec (<c>{"type": "double", "name": Name}</c>, with
/// the type names listed on <see cref="ElementTypes"/>), and <see cref="Optional"/> to MLflow's
/// <c>"required": false</c>.</para>
/// </remarks>
/// <param name="Name">The input or output name, exactly as the model declares it.</param>
/// <param name="ElementType">The element type, one of the names on <see cref="ElementTypes"/>.</param>
/// <param name="Shape">Dimensions, batch first, <c>-1</c> where not fixed; empty for non-tensor containers.</param>
/// <param name="Optional">Whether the model can run without this input (or may not produce this output).</param>
public sealed record TensorSpec(string Name, string ElementType, IReadOnlyList<int> Shape, bool Optional = false)
{
    /// <summary>The input or output name, exactly as the model declares it.</summary>
    public string Name { get; init; } = !string.IsNullOrEmpty(Name)
        ? Name
        : throw new ArgumentException("A spec needs a name.", nameof(Name));

    /// <summary>The element type, one of the names on <see cref="ElementTypes"/>.</summary>
    public string ElementType { get; init; } = !string.IsNullOrEmpty(ElementType)
        ? ElementType
        : throw new ArgumentException("A spec needs an element type.", nameof(ElementType));

    /// <summary>Dimensions, batch first, <c>-1</c> where not fixed; empty for non-tensor containers.</summary>
    public IReadOnlyList<int> Shape { get; init; } = CheckShape(Shape);

    /// <inheritdoc />
    public bool Equals(TensorSpec? other) =>
        other is not null
        && Name == other.Name
        && ElementType == other.ElementType
        && Optional == other.Optional
        && Shape.SequenceEqual(other.Shape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(ElementType);
        hash.Add(Optional);
        foreach (var dim in Shape)
        {
            hash.Add(dim);
        }

        return hash.ToHashCode();
    }

    /// <summary>A compact form such as <c>x: float32[-1,4]</c>, with <c>?</c> after the name when optional.</summary>
    /// <returns>The compact form.</returns>
    public override string ToString() =>
        $"{Name}{(Optional ? "?" : "")}: {ElementType}[{string.Join(',', Shape)}]";

    private static int[] CheckShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < -1))
        {
            throw new ArgumentException("Dimensions are -1 (not fixed) or a size of 0 or more.", nameof(shape));
        }

        return shape.ToArray();
    }
}
