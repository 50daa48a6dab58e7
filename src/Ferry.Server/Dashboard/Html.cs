using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Ferry.Server.Dashboard;

/// <summary>
/// A fragment of HTML that is safe to write as is. Build one with <see cref="Of"/>: the literal parts of the
/// interpolated string are markup, every hole is HTML-encoded (numbers and dates in the invariant culture) unless it is
/// itself an <see cref="Html"/>. So user text can only ever land in a page as text.
/// </summary>
public readonly struct Html : IEquatable<Html>
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly string? _value;

    private Html(string value) => _value = value;

    /// <summary>Nothing.</summary>
    public static Html Empty => default;

    /// <summary>The markup.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Markup from an interpolated string; holes are encoded unless they are <see cref="Html"/>.</summary>
    public static Html Of(ref HtmlInterpolation markup) => new(markup.ToStringAndClear());

    /// <summary>Trusted markup written by Ferry itself (never user text).</summary>
    public static Html Raw(string markup) => new(markup);

    /// <summary>Text, encoded.</summary>
    public static Html Text(string? text) => new(Encode(text));

    /// <summary>The fragments one after another.</summary>
    public static Html Join(IEnumerable<Html> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        var builder = new StringBuilder();
        foreach (var fragment in fragments)
        {
            builder.Append(fragment.Value);
        }

        return new(builder.ToString());
    }

    /// <summary>Renders <paramref name="render"/> for every item, one after another.</summary>
    public static Html Each<T>(IEnumerable<T> items, Func<T, Html> render)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(render);
        return Join(items.Select(render));
    }

    /// <summary>Encodes text for an element's content or a quoted attribute.</summary>
    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? string.Empty : Encoder.Encode(text);

    /// <inheritdoc />
    public override string ToString() => Value;

    /// <inheritdoc />
    public bool Equals(Html other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Html other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Equality of markup.</summary>
    public static bool operator ==(Html left, Html right) => left.Equals(right);

    /// <summary>Inequality of markup.</summary>
    public static bool operator !=(Html left, Html right) => !left.Equals(right);
}

/// <summary>Builds <see cref="Html"/> from an interpolated string: literals verbatim, holes encoded.</summary>
[InterpolatedStringHandler]
public ref struct HtmlInterpolation
{
    private StringBuilder _builder;

    /// <summary>Starts a fragment.</summary>
    public HtmlInterpolation(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + (formattedCount * 16));

    /// <summary>Markup, verbatim.</summary>
    public readonly void AppendLiteral(string value) => _builder.Append(value);

    /// <summary>A trusted fragment, verbatim.</summary>
    public readonly void AppendFormatted(Html value) => _builder.Append(value.Value);

    /// <summary>Text, encoded.</summary>
    public readonly void AppendFormatted(string? value) => _builder.Append(Html.Encode(value));

    /// <summary>A value in the invariant culture, encoded.</summary>
    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    /// <summary>A value with a format, in the invariant culture, encoded.</summary>
    public readonly void AppendFormatted<T>(T value, string? format)
    {
        var text = value switch
        {
            null => string.Empty,
            Html html => html.Value,
            IFormattable formattable => Html.Encode(formattable.ToString(format, CultureInfo.InvariantCulture)),
            _ => Html.Encode(value.ToString()),
        };
        _builder.Append(text);
    }

    /// <summary>The markup built, and resets the builder.</summary>
    public string ToStringAndClear()
    {
        var text = _builder.ToString();
        _builder = new StringBuilder();
        return text;
    }
}
