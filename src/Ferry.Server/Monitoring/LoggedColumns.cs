using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Ferry.Core.Monitoring;

namespace Ferry.Server.Monitoring;

/// <summary>
/// A window's logged rows as column arrays (the values only, one array per column), filled row by row from the
/// prediction log's JSON without keeping the rows. Numeric columns read JSON numbers (anything else is missing, NaN);
/// categorical columns read strings and booleans (<c>true</c>/<c>false</c>; anything else is missing, null), each
/// distinct category held once. The outputs' <c>score</c> and <c>label</c> fill <see cref="ProfileColumns.Score"/>
/// and <see cref="ProfileColumns.Label"/>.
/// </summary>
public sealed class LoggedColumns
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<double>?[] _numbers;
    private readonly List<string?>?[] _categories;
    private readonly HashSet<string>?[] _distinct;
    private readonly int _score = -1;
    private readonly int _label = -1;
    private byte[] _bytes = [];
    private char[] _name = new char[64];

    /// <summary>Columns to fill: name and whether it is numeric; <paramref name="capacity"/> rows expected.</summary>
    public LoggedColumns(IEnumerable<(string Name, bool Numeric)> columns, int capacity)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.ToList();
        _numbers = new List<double>?[list.Count];
        _categories = new List<string?>?[list.Count];
        _distinct = new HashSet<string>?[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var (name, numeric) = list[i];
            if (name == ProfileColumns.Score)
            {
                _score = i;
            }
            else if (name == ProfileColumns.Label)
            {
                _label = i;
            }
            else
            {
                _index[name] = i;
            }

            if (numeric)
            {
                _numbers[i] = new List<double>(capacity);
            }
            else
            {
                _categories[i] = new List<string?>(capacity);
                _distinct[i] = new HashSet<string>(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Rows added.</summary>
    public int Rows { get; private set; }

    /// <summary>Adds one logged row.</summary>
    /// <exception cref="JsonException">The row's JSON is malformed.</exception>
    public void Add(LoggedRow row)
    {
        for (var i = 0; i < _numbers.Length; i++)
        {
            _numbers[i]?.Add(double.NaN);
            _categories[i]?.Add(null);
        }

        ReadObject(row.InputsJson, outputs: false);
        ReadObject(row.OutputsJson, outputs: true);
        Rows++;
    }

    /// <summary>A numeric column's values (NaN = missing), or null when it is not a numeric column here.</summary>
    public ReadOnlySpan<double> Numbers(string name) => Find(name) is { } i && _numbers[i] is { } list ? CollectionsMarshal.AsSpan(list) : default;

    /// <summary>Whether <paramref name="name"/> is one of the numeric columns.</summary>
    public bool IsNumeric(string name) => Find(name) is { } i && _numbers[i] is not null;

    /// <summary>A categorical column's values (null = missing), or null when it is not a categorical column here.</summary>
    public IReadOnlyList<string?>? Categories(string name) => Find(name) is { } i ? _categories[i] : null;

    private int? Find(string name) => name == ProfileColumns.Score ? (_score >= 0 ? _score : null)
        : name == ProfileColumns.Label ? (_label >= 0 ? _label : null)
        : _index.TryGetValue(name, out var i) ? i : null;

    private void ReadObject(string json, bool outputs)
    {
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_bytes.Length < length)
        {
            _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        }

        var count = Encoding.UTF8.GetBytes(json, _bytes);
        var reader = new Utf8JsonReader(_bytes.AsSpan(0, count), isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_name.Length < reader.ValueSpan.Length)
            {
                _name = new char[reader.ValueSpan.Length];
            }

            var name = _name.AsSpan(0, reader.CopyString(_name));
            reader.Read();
            var column = -1;
            if (outputs)
            {
                column = name.SequenceEqual("score") ? _score : name.SequenceEqual("label") ? _label : -1;
            }
            else if (lookup.TryGetValue(name, out var found))
            {
                column = found;
            }

            if (column < 0)
            {
                reader.Skip();
                continue;
            }

            if (_numbers[column] is { } numbers)
            {
                if (reader.TokenType == JsonTokenType.Number)
                {
                    numbers[^1] = reader.GetDouble();
                }
            }
            else
            {
                _categories[column]![^1] = reader.TokenType switch
                {
                    JsonTokenType.String => Intern(column, ref reader),
                    JsonTokenType.True => ProfileFolding.Text(true),
                    JsonTokenType.False => ProfileFolding.Text(false),
                    _ => null,
                };
            }

            reader.Skip();
        }
    }

    private string Intern(int column, ref Utf8JsonReader reader)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(reader.ValueSpan.Length, 1));
        try
        {
            var text = buffer.AsSpan(0, reader.CopyString(buffer));
            var distinct = _distinct[column]!;
            if (distinct.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var known))
            {
                return known;
            }

            var created = text.ToString();
            distinct.Add(created);
            return created;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
