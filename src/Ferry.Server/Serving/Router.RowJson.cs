using System.Buffers;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Writes the prediction log's per-row JSON (outputs, shadow answers) into one reused buffer; inputs: <see cref="ServedRows"/>.</summary>
internal sealed class RowJson : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public RowJson() => _writer = new Utf8JsonWriter(_buffer);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <summary><c>{"error": message}</c>.</summary>
    public static string Error(string message) => $"{{\"error\":\"{JsonEncodedText.Encode(message)}\"}}";

    /// <summary>One row's answer: <c>{"label", "score", "probabilities"}</c> (absent members left out).</summary>
    public string Outputs(RowPrediction prediction)
    {
        Start();
        WritePrediction(_writer, prediction);
        return Finish();
    }

    /// <summary>An object whose members are already-serialized JSON values.</summary>
    public string RawObject(IReadOnlyDictionary<string, string> members)
    {
        Start();
        _writer.WriteStartObject();
        foreach (var (name, json) in members)
        {
            _writer.WritePropertyName(name);
            _writer.WriteRawValue(json, skipInputValidation: true);
        }

        _writer.WriteEndObject();
        return Finish();
    }

    /// <summary>Writes the members of a prediction (label, score, probabilities) inside an object that is open or not.</summary>
    public static void WritePrediction(Utf8JsonWriter writer, RowPrediction prediction, bool open = true) => ServedJson.WritePrediction(writer, prediction, open);

    /// <summary>A number, or null for NaN and infinities (JSON has neither).</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value) => ServedJson.WriteNumber(writer, value);

    /// <summary>Writes element <paramref name="index"/> of a column or tensor array.</summary>
    public static void WriteValue(Utf8JsonWriter writer, Array column, int index) => ServedJson.WriteValue(writer, column, index);

    private void Start()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }

    private string Finish()
    {
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
