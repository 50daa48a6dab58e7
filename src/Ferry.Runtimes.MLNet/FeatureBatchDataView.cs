using Ferry.Core.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ferry.Runtimes.MLNet;

/// <summary>
/// A read-only, columnar <see cref="IDataView"/> over a <see cref="FeatureBatch"/> (ML.NET's own in-memory builder is
/// internal). Each cursor reads the batch's arrays in place; nothing is copied per row except vector slots.
/// </summary>
internal sealed class FeatureBatchDataView : IDataView
{
    private readonly FeatureBatch _batch;
    private readonly IReadOnlyList<MLNetInputColumn> _columns;

    /// <summary>Creates the view; the columns must already be checked against the batch.</summary>
    public FeatureBatchDataView(FeatureBatch batch, IReadOnlyList<MLNetInputColumn> columns, DataViewSchema schema)
    {
        _batch = batch;
        _columns = columns;
        Schema = schema;
    }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <summary>Builds the view's schema: the needed input columns with their saved types and annotations.</summary>
    public static DataViewSchema CreateSchema(IReadOnlyList<MLNetInputColumn> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
        {
            builder.AddColumn(column.Column.Name, column.Column.Type, column.Column.Annotations);
        }

        return builder.ToSchema();
    }

    /// <inheritdoc />
    public long? GetRowCount() => _batch.RowCount;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly FeatureBatchDataView _view;
        private readonly Delegate?[] _getters;
        private long _position = -1;

        public Cursor(FeatureBatchDataView view, HashSet<int> active)
        {
            _view = view;
            _getters = new Delegate?[view._columns.Count];
            for (var i = 0; i < _getters.Length; i++)
            {
                if (active.Contains(i))
                {
                    _getters[i] = view._columns[i].CreateGetter(view._batch, () => _position);
                }
            }
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _view._batch.RowCount)
            {
                _position = _view._batch.RowCount;
                return false;
            }

            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _getters[column.Index] is not null;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            _getters[column.Index] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"The column '{column.Name}' is not active or is not of type {typeof(TValue).Name}.");
    }
}
