using System.Text.Json;

namespace Ferry.Server.Serving;

/// <summary>
/// The data-subject keys of the request being bound. While the router binds a request on an endpoint that names a
/// subject field (<see cref="Ferry.Core.Oversight.EndpointOversight.SubjectField"/>), <see cref="RecordValidator"/>
/// lets that field through (it need not be a model feature, and is never passed to the model unless it is one) and
/// collects each row's key here. Binding is synchronous, so the capture is per thread and lives only for the bind.
/// </summary>
internal sealed class SubjectCapture : IDisposable
{
    [ThreadStatic]
    private static SubjectCapture? _current;

    private readonly SubjectCapture? _outer;

    private SubjectCapture(string field)
    {
        Field = field;
        _outer = _current;
        _current = this;
    }

    /// <summary>The capture of the bind running on this thread, or null (no subject field: nothing is collected).</summary>
    public static SubjectCapture? Current => _current;

    /// <summary>The subject field's name.</summary>
    public string Field { get; }

    /// <summary>Each row's key (null where the row carries none), or null when no row carried the field.</summary>
    public string?[]? Keys { get; private set; }

    /// <summary>Starts collecting keys of <paramref name="field"/> on this thread until disposed.</summary>
    public static SubjectCapture Begin(string field) => new(field);

    /// <inheritdoc />
    public void Dispose() => _current = _outer;

    /// <summary>Records row <paramref name="row"/>'s key; returns the problem with the value, or null.</summary>
    /// <remarks>A key is a JSON string or number (kept as written, e.g. <c>12345</c>); null means none.</remarks>
    public string? Set(int row, int rows, JsonElement value)
    {
        string? key;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                key = value.GetString();
                break;
            case JsonValueKind.Number:
                key = value.GetRawText();
                break;
            case JsonValueKind.Null:
                return null;
            default:
                return "must be a string or a number (the data subject's key)";
        }

        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        Keys ??= new string?[rows];
        if ((uint)row < (uint)Keys.Length)
        {
            Keys[row] = key;
        }

        return null;
    }
}
