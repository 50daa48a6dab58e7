using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Ferry.Statistics.Profiles;

/// <summary>The layouts of all monitored columns, in order, with lookup by name.</summary>
public sealed class ProfileSchema
{
    private readonly Dictionary<string, ColumnSchema> _byName;

    /// <summary>Creates a schema.</summary>
    /// <exception cref="ArgumentException">Two columns share a name.</exception>
    [JsonConstructor]
    public ProfileSchema(IReadOnlyList<ColumnSchema> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        _byName = new Dictionary<string, ColumnSchema>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!_byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"Column '{column.Name}' appears twice.", nameof(columns));
            }
        }
    }

    /// <summary>Columns in order.</summary>
    public IReadOnlyList<ColumnSchema> Columns { get; }

    /// <summary>The column with this name.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public ColumnSchema this[string name] =>
        _byName.TryGetValue(name, out var column) ? column : throw new KeyNotFoundException($"No column '{name}' in the schema.");

    /// <summary>Looks a column up by name.</summary>
    public bool TryGetColumn(string name, [MaybeNullWhen(false)] out ColumnSchema column) => _byName.TryGetValue(name, out column);
}
