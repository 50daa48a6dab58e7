namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>
/// ai.onnx.ml LabelEncoder to numbers over one column, as skl2onnx emits it for OrdinalEncoder (string keys to
/// int64 codes; numeric keys too): the key's value, or the default for a key not listed. String keys read the row's
/// own text for the column (its input, or its source name); numeric keys read the traced number.
/// </summary>
internal sealed class LabelEncoderPlan : TensorPlan
{
    private readonly TensorPlan _inner;
    private readonly Dictionary<string, double>? _byText;
    private readonly Dictionary<double, double>? _byNumber;
    private readonly double _default;

    public LabelEncoderPlan(TensorPlan inner, IReadOnlyList<string> textKeys, IReadOnlyList<double> numberKeys, IReadOnlyList<double> values, double fallback)
        : base(inner.Slots, false)
    {
        _inner = inner;
        _default = fallback;
        if (textKeys.Count > 0)
        {
            _byText = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < textKeys.Count; i++)
            {
                _byText[textKeys[i]] = values[i];
            }
        }
        else
        {
            _byNumber = [];
            for (var i = 0; i < numberKeys.Count; i++)
            {
                _byNumber[numberKeys[i]] = values[i];
            }
        }
    }

    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        if (_byNumber is not null)
        {
            var numbers = _inner.Evaluate(row);
            return [.. numbers.Select(v => _byNumber.TryGetValue(v, out var code) ? code : _default)];
        }

        var slot = Slots[0];
        if (!(slot.Input is { } input && row.TryGetValue(input, out var cell)) && !row.TryGetValue(slot.Source, out cell))
        {
            throw new ArgumentException($"The row has no value for input '{slot.Input ?? slot.Source}'.");
        }

        var text = Cells.ToCategory(Cells.Scalar(cell)) ?? string.Empty;
        return [_byText!.TryGetValue(text, out var value) ? value : _default];
    }
}
