namespace Ferry.Storage.PostgreSql;

/// <summary>
/// The SQL of the <c>PredictionPartitions</c> migration: turns <c>predictions</c> into a table partitioned by UTC day on
/// <c>timestamp</c>, whatever its columns and indexes are (it reads them from the catalog), keeping every row and index.
/// </summary>
public static class PredictionPartitionSchema
{
    /// <summary>The partitioned table.</summary>
    public const string Table = "predictions";

    /// <summary>The partition that takes rows of days that have no partition of their own.</summary>
    public const string DefaultPartition = "predictions_default";

    /// <summary>Day partitions are named this prefix and the day as <c>yyyyMMdd</c>.</summary>
    public const string DayPrefix = "predictions_p";

    /// <summary>One UTC day in milliseconds.</summary>
    public const long DayMs = 86_400_000;

    /// <summary>
    /// Partitions the table (nothing when it already is): the old table and its indexes are renamed, a table
    /// <c>LIKE</c> it (defaults, generated columns, storage, compression, check constraints, comments) is created
    /// <c>PARTITION BY RANGE ("timestamp")</c> with a DEFAULT partition and one partition per day the rows cover plus
    /// yesterday, today and <paramref name="daysAhead"/> days ahead (database time), the rows are moved (generated columns
    /// are computed again), the primary key becomes <c>(id, "timestamp")</c> under its old name, every other index is
    /// created again from its definition under its old name, and the old table is dropped. Refuses when a foreign key
    /// references the table.
    /// </summary>
    public static string PartitionScript(int daysAhead) => $$"""
        DO $ferry$
        DECLARE
          day_ms constant bigint := {{DayMs}};
          today bigint := floor(extract(epoch FROM clock_timestamp()) * 1000 / {{DayMs}})::bigint;
          old_pk text;
          ix record;
          defs text[] := '{}';
          def text;
          cols text;
          d bigint;
          n int := 0;
        BEGIN
          IF to_regclass('{{Table}}') IS NULL OR (SELECT relkind FROM pg_class WHERE oid = to_regclass('{{Table}}')) = 'p' THEN
            RETURN;
          END IF;
          IF EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = to_regclass('{{Table}}')) THEN
            RAISE EXCEPTION 'a foreign key references {{Table}}: drop it before partitioning the table';
          END IF;

          {{SetAside("unpartitioned")}}

          CREATE TABLE {{Table}} (LIKE {{Table}}_unpartitioned
            INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING CONSTRAINTS INCLUDING COMMENTS)
            PARTITION BY RANGE ("timestamp");
          FOR d IN
            SELECT DISTINCT floor("timestamp"::numeric / day_ms)::bigint FROM {{Table}}_unpartitioned
            UNION SELECT generate_series(today - 1, today + {{daysAhead}})
          LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF {{Table}} FOR VALUES FROM (%s) TO (%s)',
              '{{DayPrefix}}' || to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'), d * day_ms, (d + 1) * day_ms);
          END LOOP;
          CREATE TABLE {{DefaultPartition}} PARTITION OF {{Table}} DEFAULT;

          SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
          FROM pg_attribute
          WHERE attrelid = to_regclass('{{Table}}_unpartitioned') AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
          EXECUTE format('INSERT INTO {{Table}} (%s) SELECT %s FROM {{Table}}_unpartitioned', cols, cols);

          -- Indexes after the rows: each partition's index is built once, sorted, not row by row.
          EXECUTE format('ALTER TABLE {{Table}} ADD CONSTRAINT %I PRIMARY KEY (id, "timestamp")', coalesce(old_pk, 'PK_{{Table}}'));
          FOREACH def IN ARRAY defs LOOP
            EXECUTE def;
          END LOOP;
          DROP TABLE {{Table}}_unpartitioned;
          ANALYZE {{Table}};
        END
        $ferry$;
        """;

    /// <summary>
    /// Undoes <see cref="PartitionScript"/>: one plain table again with the same columns, its rows, the primary key on
    /// <c>id</c> and every other index; the partitions are dropped.
    /// </summary>
    public static string UnpartitionScript => $$"""
        DO $ferry$
        DECLARE
          old_pk text;
          ix record;
          defs text[] := '{}';
          def text;
          cols text;
          n int := 0;
        BEGIN
          IF to_regclass('{{Table}}') IS NULL OR (SELECT relkind FROM pg_class WHERE oid = to_regclass('{{Table}}')) <> 'p' THEN
            RETURN;
          END IF;
          {{SetAside("partitioned")}}
          CREATE TABLE {{Table}} (LIKE {{Table}}_partitioned
            INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING CONSTRAINTS INCLUDING COMMENTS);
          SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
          FROM pg_attribute
          WHERE attrelid = to_regclass('{{Table}}_partitioned') AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
          EXECUTE format('INSERT INTO {{Table}} (%s) SELECT %s FROM {{Table}}_partitioned', cols, cols);
          EXECUTE format('ALTER TABLE {{Table}} ADD CONSTRAINT %I PRIMARY KEY (id)', coalesce(old_pk, 'PK_{{Table}}'));
          FOREACH def IN ARRAY defs LOOP
            EXECUTE def;
          END LOOP;
          DROP TABLE {{Table}}_partitioned;
        END
        $ferry$;
        """;

    /// <summary>
    /// PL/pgSQL that renames the table, its primary key and its other indexes aside with <paramref name="suffix"/>,
    /// keeping the other indexes' definitions in <c>defs</c> to create them again on the new table.
    /// </summary>
    private static string SetAside(string suffix) => $$"""
        SELECT conname INTO old_pk FROM pg_constraint WHERE conrelid = to_regclass('{{Table}}') AND contype = 'p';
        FOR ix IN
          SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
          FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
          WHERE x.indrelid = to_regclass('{{Table}}') AND NOT x.indisprimary
          ORDER BY c.relname
        LOOP
          defs := defs || ix.definition;
          n := n + 1;
          EXECUTE format('ALTER INDEX %I RENAME TO %I', ix.name, '{{Table}}_{{suffix}}_ix' || n);
        END LOOP;
        IF old_pk IS NOT NULL THEN
          EXECUTE format('ALTER TABLE {{Table}} RENAME CONSTRAINT %I TO %I', old_pk, '{{Table}}_{{suffix}}_pkey');
        END IF;
        ALTER TABLE {{Table}} RENAME TO {{Table}}_{{suffix}};
        """;
}
