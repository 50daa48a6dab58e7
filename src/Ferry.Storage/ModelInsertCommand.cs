using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ferry.Storage;

/// <summary>
/// A multi-row <c>INSERT</c> of chosen columns of an entity's table, built from the EF model, for append paths that
/// bypass the change tracker (which costs ~100 µs a row): table and column names, and parameters configured by each
/// column's type mapping (e.g. SQLite's GUIDs as text), so the rows are those <c>SaveChanges</c> would write.
/// </summary>
/// <remarks>Keep statements small on SQLite: Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds a
/// name by a linear search of the statement's parameters (1,300 parameters cost ~850,000 string compares per
/// execution).</remarks>
internal static class ModelInsertCommand
{
    /// <summary>
    /// A command inserting <paramref name="rows"/> rows of <paramref name="columns"/>; parameter
    /// <c>row × columns + column</c> holds a value, to be set with <see cref="ProviderValue"/>.
    /// </summary>
    public static DbCommand Create(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, IReadOnlyList<IProperty> columns, int rows)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(columns);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var command = connection.CreateCommand();
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(entity.GetTableName()!)).Append(" (");
        text.AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"p{(r * columns.Count) + c}");
                command.Parameters.Add(columns[c].GetRelationalTypeMapping().CreateParameter(command, sql.GenerateParameterName(name), null, nullable: true));
                text.Append(c == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
            }

            text.Append(')');
        }

        command.CommandText = text.ToString();
        return command;
    }

    /// <summary>A property's value on an entity as the provider stores it: EF's value converter applied, null as DBNull.</summary>
    public static object ProviderValue(IProperty property, object entity)
    {
        ArgumentNullException.ThrowIfNull(property);
        var value = property.GetGetter().GetClrValue(entity);
        var converter = property.GetRelationalTypeMapping().Converter;
        return (converter is null || value is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
    }
}
