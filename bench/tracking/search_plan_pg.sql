-- The run-search query shapes at 100,000 runs on PostgreSQL, outside Ferry (see search_plan.py for SQLite):
--   psql "$CONNINFO" -f bench/tracking/search_plan_pg.sql     (creates and drops schema trk_plan)
\timing off
DROP SCHEMA IF EXISTS trk_plan CASCADE; CREATE SCHEMA trk_plan; SET search_path = trk_plan;
CREATE TABLE runs (id text PRIMARY KEY, experiment_id bigint NOT NULL, lifecycle_stage text NOT NULL, start_time bigint NOT NULL);
CREATE INDEX ON runs (experiment_id, lifecycle_stage, start_time);
CREATE TABLE latest_metrics (run_id text, key text, value double precision NOT NULL, is_na_n boolean NOT NULL, PRIMARY KEY (run_id, key));
CREATE INDEX ON latest_metrics (key, value);
CREATE TABLE run_params (run_id text, key text, value text NOT NULL, PRIMARY KEY (run_id, key));
CREATE INDEX ON run_params (key, run_id);
SELECT setseed(0.7);
INSERT INTO runs SELECT md5(g::text), 1, 'active', 1700000000000 + g FROM generate_series(1, 100000) g;
INSERT INTO latest_metrics SELECT md5(g::text), 'auc', 0.5 + random() / 2, false FROM generate_series(1, 100000) g;
INSERT INTO run_params SELECT md5(g::text), 'model', (ARRAY['gbm','rf','lr','mlp'])[1 + g % 4] FROM generate_series(1, 100000) g;
ANALYZE;
\echo today: EXISTS + two correlated subqueries
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT r.id FROM runs r WHERE r.experiment_id IN (1) AND r.lifecycle_stage = 'active'
 AND EXISTS (SELECT 1 FROM latest_metrics m WHERE m.key = 'auc' AND NOT m.is_na_n AND m.value > 0.9 AND m.run_id = r.id)
 AND EXISTS (SELECT 1 FROM run_params p WHERE p.key = 'model' AND p.value = 'gbm' AND p.run_id = r.id)
 ORDER BY NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key = 'auc' AND NOT m.is_na_n),
  (SELECT m.value FROM latest_metrics m WHERE m.run_id = r.id AND m.key = 'auc' AND NOT m.is_na_n LIMIT 1) DESC,
  r.start_time DESC, r.id LIMIT 101;
\echo new: join on latest_metrics(key, value)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT r.id FROM runs r JOIN latest_metrics m ON r.id = m.run_id
 WHERE r.experiment_id IN (1) AND r.lifecycle_stage = 'active'
 AND EXISTS (SELECT 1 FROM run_params p WHERE p.key = 'model' AND p.value = 'gbm' AND p.run_id = r.id)
 AND m.key = 'auc' AND NOT m.is_na_n AND m.value > 0.9
 ORDER BY m.value DESC, r.start_time DESC, r.id LIMIT 101;
DROP SCHEMA trk_plan CASCADE;
