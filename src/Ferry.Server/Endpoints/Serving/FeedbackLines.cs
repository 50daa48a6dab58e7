using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>One line of a text body: its UTF-8 bytes, its text, and why it is refused (null when it is fine).</summary>
internal readonly record struct FeedbackLine(byte[] Bytes, string Text, string? Problem);

/// <summary>
/// Reads a body line by line as it arrives, checking each line's bytes (<see cref="RequestText"/>) before decoding
/// them, so an undecodable line is refused by its number instead of being silently replaced with U+FFFD.
/// A leading UTF-8 byte-order mark is dropped; lines end at <c>\n</c> (a trailing <c>\r</c> is dropped).
/// </summary>
internal sealed class FeedbackLines(PipeReader body)
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];
    private bool _first = true;

    /// <summary>The next line, or null at the end of the body.</summary>
    public async ValueTask<FeedbackLine?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = Decode(buffer.Slice(0, newline));
                body.AdvanceTo(buffer.GetPosition(1, newline));
                return line;
            }

            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                {
                    body.AdvanceTo(buffer.End);
                    return null;
                }

                var last = Decode(buffer);
                body.AdvanceTo(buffer.End);
                return last;
            }

            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private FeedbackLine Decode(ReadOnlySequence<byte> sequence)
    {
        var bytes = sequence.ToArray().AsSpan();
        if (_first && bytes.StartsWith(ByteOrderMark))
        {
            bytes = bytes[ByteOrderMark.Length..];
        }

        _first = false;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        return new FeedbackLine(bytes.ToArray(), Encoding.UTF8.GetString(bytes), RequestText.Problem(bytes));
    }
}
