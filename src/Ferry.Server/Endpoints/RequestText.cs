using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Ferry.Core.Errors;

namespace Ferry.Server.Endpoints;

/// <summary>
/// The one rule for text a client sends, applied where its bytes are decoded (JSON bodies, CSV and JSON-lines
/// lines, query strings; Kestrel itself refuses a path that decodes to NUL): it must be valid UTF-8 (in JSON, no lone surrogate escapes either) and must not
/// hold the NUL character (U+0000), which PostgreSQL cannot store in text; refusing it on SQLite too keeps both
/// databases answering alike. A violation is a <see cref="ValidationException"/> naming the field.
/// </summary>
public static class RequestText
{
    /// <summary>Why undecodable text is refused.</summary>
    public const string NotUtf8 = "is not valid UTF-8 text";

    /// <summary>Why NUL is refused.</summary>
    public const string HasNul = "contains the NUL character (U+0000), which Ferry does not accept in text";

    /// <summary>
    /// Checks every string and member name of a JSON text (already known to parse, or about to be parsed).
    /// Cheap when the text is clean: one vectorised UTF-8 check and a search for <c>\u</c> escapes.
    /// </summary>
    /// <exception cref="ValidationException">A string is undecodable or holds NUL; the key is its JSON path (<c>records[0].purpose</c>).</exception>
    public static void CheckJson(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json) && !HasSuspectEscape(json))
        {
            return;
        }

        if (FindInJson(json) is { } problem)
        {
            throw new ValidationException(problem.Path, problem.Why);
        }
    }

    /// <summary>Checks one decoded value (a route value, a CSV cell).</summary>
    /// <exception cref="ValidationException">It holds NUL.</exception>
    public static void Check(string? value, string field)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException(field, HasNul);
        }
    }

    /// <summary>Checks one line of a text body (CSV, JSON lines) before it is decoded.</summary>
    /// <returns>Why the line is refused, or null when it is fine.</returns>
    public static string? Problem(ReadOnlySpan<byte> line) =>
        !Utf8.IsValid(line) ? NotUtf8 : line.Contains((byte)0) ? HasNul : null;

    /// <summary>
    /// Checks a raw (still percent-encoded) query string: each parameter's name and value must decode to valid
    /// UTF-8 without NUL. ASP.NET Core would otherwise keep undecodable escapes such as <c>%FF</c> as literal text.
    /// </summary>
    /// <exception cref="ValidationException">A parameter is undecodable or holds NUL; the key is its name.</exception>
    public static void CheckQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery) || (rawQuery.IndexOf('%', StringComparison.Ordinal) < 0 && Ascii.IsValid(rawQuery)))
        {
            return;
        }

        var query = rawQuery.AsSpan(rawQuery[0] == '?' ? 1 : 0);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            var field = Encoding.UTF8.GetString(Unescape(name));
            if ((QueryPartProblem(name) ?? QueryPartProblem(value)) is { } why)
            {
                throw new ValidationException(field.Length == 0 ? "query" : field, why);
            }
        }
    }

    private static string? QueryPartProblem(ReadOnlySpan<char> part)
    {
        var bytes = Unescape(part);
        return Utf8.IsValid(bytes) ? bytes.AsSpan().Contains((byte)0) ? HasNul : null : NotUtf8;
    }

    // Percent-decodes to bytes ('+' is a space); a malformed escape stays as it is, as ASP.NET Core keeps it.
    private static byte[] Unescape(ReadOnlySpan<char> text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length
                && byte.TryParse(text.Slice(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                var rune = Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && Rune.TryCreate(c, text[i + 1], out var pair))
                {
                    rune = pair;
                    i++;
                }

                bytes.AddRange(buffer[..rune.EncodeToUtf8(buffer)]);
            }
        }

        return [.. bytes];
    }

    // A \u escape of NUL or of a surrogate (lone ones cannot be decoded; pairs are checked by the slow path).
    private static bool HasSuspectEscape(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf("\\u"u8);
        while (at >= 0)
        {
            var rest = json[(at + 2)..];
            if (rest.Length >= 4 && Utf8Parser.TryParse(rest[..4], out ushort code, out var used, 'x') && used == 4
                && (code == 0 || code is >= 0xD800 and <= 0xDFFF))
            {
                return true;
            }

            var next = rest.IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }

        return false;
    }

    // Walks the tokens keeping the JSON path; stops quietly at malformed JSON (the parser reports that itself).
    private static (string Path, string Why)? FindInJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var path = new List<Segment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Segment(reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Decode(ref reader, out var why);
                        if (why is not null)
                        {
                            path[^1] = path[^1] with { Name = null };
                            return (Format(path), "has a member name that " + why);
                        }

                        path[^1] = path[^1] with { Name = name };
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        _ = Decode(ref reader, out var problem);
                        if (problem is not null)
                        {
                            return (Format(path), problem);
                        }

                        break;
                    default:
                        Advance(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: the route's own parser names where.
        }

        return null;
    }

    private static void Advance(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string? Decode(ref Utf8JsonReader reader, out string? why)
    {
        why = null;
        string? text;
        try
        {
            text = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            why = NotUtf8;
            return null;
        }

        if (text is not null && text.Contains('\0', StringComparison.Ordinal))
        {
            why = HasNul;
        }

        return text;
    }

    private static string Format(List<Segment> path)
    {
        var text = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.IsArray)
            {
                text.Append('[').Append(Math.Max(segment.Index, 0)).Append(']');
            }
            else if (segment.Name is { } name)
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }

                text.Append(name.Replace("\0", "\\u0000", StringComparison.Ordinal));
            }
        }

        return text.Length == 0 ? "$" : text.ToString();
    }

    private readonly record struct Segment(bool IsArray, string? Name, int Index);
}
