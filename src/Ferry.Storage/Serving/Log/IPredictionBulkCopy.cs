using System.Data.Common;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>
/// A provider's bulk path for the prediction log (PostgreSQL: binary COPY; SQLite: a statement prepared on the raw
/// handle); without one the store executes a prepared single-row INSERT per row. Runs inside the store's open transaction.
/// </summary>
public interface IPredictionBulkCopy
{
    /// <summary>Appends the rows to <c>predictions</c> on the open connection, in its current transaction.</summary>
    Task CopyAsync(DbConnection connection, IReadOnlyList<EncodedPrediction> rows, CancellationToken cancellationToken);
}

/// <summary>A prediction with its payloads encoded as the log stores them (<see cref="PayloadConverter"/>).</summary>
/// <param name="Record">The logical record (its JSON text properties are not written).</param>
/// <param name="Inputs">The inputs' blob.</param>
/// <param name="Outputs">The outputs' blob.</param>
/// <param name="ShadowOutputs">The shadow answers' blob, or null.</param>
public readonly record struct EncodedPrediction(PredictionRecord Record, byte[] Inputs, byte[] Outputs, byte[]? ShadowOutputs);
