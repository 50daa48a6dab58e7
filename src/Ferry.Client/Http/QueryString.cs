using System.Globalization;
using System.Text;

namespace Ferry.Client.Http;

/// <summary>Builds a query string from optional parameters, skipping the ones not given.</summary>
internal sealed class QueryString
{
    private readonly StringBuilder _text = new();

    /// <summary>Adds a text parameter unless it is null or empty.</summary>
    public QueryString Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _text.Append(_text.Length == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(name))
                .Append('=')
                .Append(Uri.EscapeDataString(value));
        }

        return this;
    }

    /// <summary>Adds a time in ISO 8601 (round-trip format) unless it is null.</summary>
    public QueryString Add(string name, DateTimeOffset? value) =>
        Add(name, value?.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Adds a number unless it is null.</summary>
    public QueryString Add(string name, long? value) =>
        Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a flag as <c>true</c> when set; nothing otherwise.</summary>
    public QueryString Add(string name, bool value) =>
        value ? Add(name, "true") : this;

    /// <summary>The path followed by the query.</summary>
    public string AppendTo(string path) => path + _text;
}
