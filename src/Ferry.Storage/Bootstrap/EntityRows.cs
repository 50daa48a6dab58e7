using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Bootstrap;

/// <summary>
/// Writes one entity as an INSERT built from the EF model (table, columns, and each property's type mapping, so values
/// are stored exactly as SaveChanges would store them) on a plain ADO.NET command: no query or update pipeline.
/// </summary>
internal static class EntityRows
{
    /// <summary>Inserts <paramref name="entity"/> through <paramref name="connection"/> inside <paramref name="transaction"/>.</summary>
    public static async Task InsertAsync(FerryDbContext db, DbConnection connection, DbTransaction transaction, object entity, CancellationToken cancellationToken)
    {
        var type = db.Model.FindEntityType(entity.GetType())
            ?? throw new InvalidOperationException($"{entity.GetType().Name} is not an entity of the model.");
        var table = type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} has no table.");
        var properties = type.GetProperties().ToList();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var columns = new StringBuilder();
        var values = new StringBuilder();
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var name = "@p" + i.ToString(CultureInfo.InvariantCulture);
            columns.Append(i == 0 ? string.Empty : ", ").Append('"').Append(property.GetColumnName()).Append('"');
            values.Append(i == 0 ? string.Empty : ", ").Append(name);
            var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
            command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable));
        }

        command.CommandText = $"INSERT INTO \"{table}\" ({columns}) VALUES ({values})";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
