CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL CONSTRAINT "PK_api_tokens" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "display_prefix" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "expires_at" INTEGER NULL,
    "revoked_at" INTEGER NULL
);

CREATE TABLE "audit_events" (
    "sequence" INTEGER NOT NULL CONSTRAINT "PK_audit_events" PRIMARY KEY,
    "occurred_at" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "previous_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_api_tokens_secret_hash" ON "api_tokens" ("secret_hash");

CREATE INDEX "IX_audit_events_action_sequence" ON "audit_events" ("action", "sequence");

CREATE INDEX "IX_audit_events_actor_sequence" ON "audit_events" ("actor", "sequence");

CREATE INDEX "IX_audit_events_occurred_at" ON "audit_events" ("occurred_at");

CREATE INDEX "IX_audit_events_target_sequence" ON "audit_events" ("target", "sequence");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122193252_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "experiments" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_experiments" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "artifact_location" TEXT NOT NULL,
    "lifecycle_stage" TEXT NOT NULL,
    "creation_time" INTEGER NOT NULL,
    "last_update_time" INTEGER NOT NULL
);

CREATE TABLE "registered_models" (
    "id" TEXT NOT NULL CONSTRAINT "PK_registered_models" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "creation_timestamp" INTEGER NOT NULL,
    "last_updated_timestamp" INTEGER NOT NULL
);

CREATE TABLE "experiment_tags" (
    "experiment_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_experiment_tags" PRIMARY KEY ("experiment_id", "key"),
    CONSTRAINT "FK_experiment_tags_experiments_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "experiments" ("id") ON DELETE CASCADE
);

CREATE TABLE "runs" (
    "id" TEXT NOT NULL CONSTRAINT "PK_runs" PRIMARY KEY,
    "experiment_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "start_time" INTEGER NOT NULL,
    "end_time" INTEGER NULL,
    "artifact_uri" TEXT NOT NULL,
    "lifecycle_stage" TEXT NOT NULL,
    "deleted_time" INTEGER NULL,
    CONSTRAINT "FK_runs_experiments_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "experiments" ("id") ON DELETE RESTRICT
);

CREATE TABLE "model_aliases" (
    "model_id" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "PK_model_aliases" PRIMARY KEY ("model_id", "alias"),
    CONSTRAINT "FK_model_aliases_registered_models_model_id" FOREIGN KEY ("model_id") REFERENCES "registered_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "model_versions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_model_versions" PRIMARY KEY,
    "model_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "artifact_path" TEXT NULL,
    "run_id" TEXT NULL,
    "run_link" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "current_stage" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_message" TEXT NOT NULL,
    "flavor" TEXT NULL,
    "signature_json" TEXT NULL,
    "mlflow_model_id" TEXT NULL,
    "creation_timestamp" INTEGER NOT NULL,
    "last_updated_timestamp" INTEGER NOT NULL,
    "is_deleted" INTEGER NOT NULL,
    CONSTRAINT "FK_model_versions_registered_models_model_id" FOREIGN KEY ("model_id") REFERENCES "registered_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "registered_model_tags" (
    "model_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_registered_model_tags" PRIMARY KEY ("model_id", "key"),
    CONSTRAINT "FK_registered_model_tags_registered_models_model_id" FOREIGN KEY ("model_id") REFERENCES "registered_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "latest_metrics" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "is_na_n" INTEGER NOT NULL,
    "timestamp" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    CONSTRAINT "PK_latest_metrics" PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "FK_latest_metrics_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "metric_points" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_metric_points" PRIMARY KEY AUTOINCREMENT,
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "is_na_n" INTEGER NOT NULL,
    "timestamp" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    CONSTRAINT "FK_metric_points_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "run_dataset_inputs" (
    "run_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "source_type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "schema" TEXT NULL,
    "profile" TEXT NULL,
    "tags_json" TEXT NOT NULL,
    CONSTRAINT "PK_run_dataset_inputs" PRIMARY KEY ("run_id", "name", "digest"),
    CONSTRAINT "FK_run_dataset_inputs_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "run_params" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_run_params" PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "FK_run_params_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "run_tags" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_run_tags" PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "FK_run_tags_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "model_version_tags" (
    "version_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_model_version_tags" PRIMARY KEY ("version_id", "key"),
    CONSTRAINT "FK_model_version_tags_model_versions_version_id" FOREIGN KEY ("version_id") REFERENCES "model_versions" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_experiments_name" ON "experiments" ("name");

CREATE INDEX "IX_latest_metrics_key_value" ON "latest_metrics" ("key", "value");

CREATE INDEX "IX_metric_points_run_id_key_step_timestamp" ON "metric_points" ("run_id", "key", "step", "timestamp");

CREATE UNIQUE INDEX "IX_model_versions_model_id_version" ON "model_versions" ("model_id", "version");

CREATE INDEX "IX_model_versions_run_id" ON "model_versions" ("run_id");

CREATE UNIQUE INDEX "IX_registered_models_name" ON "registered_models" ("name");

CREATE INDEX "IX_run_params_key_run_id" ON "run_params" ("key", "run_id");

CREATE INDEX "IX_run_tags_key_run_id" ON "run_tags" ("key", "run_id");

CREATE INDEX "IX_runs_experiment_id_lifecycle_stage_start_time" ON "runs" ("experiment_id", "lifecycle_stage", "start_time");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122200655_TrackingAndRegistry', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "prediction_feedback" (
    "prediction_id" TEXT NOT NULL CONSTRAINT "PK_prediction_feedback" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "label" TEXT NULL,
    "value" REAL NULL,
    "received_at" INTEGER NOT NULL
);

CREATE TABLE "predictions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_predictions" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "timestamp" INTEGER NOT NULL,
    "inputs_json" TEXT NOT NULL,
    "outputs_json" TEXT NOT NULL,
    "shadow_outputs_json" TEXT NULL,
    "latency_micros" INTEGER NOT NULL
);

CREATE TABLE "serving_endpoints" (
    "id" TEXT NOT NULL CONSTRAINT "PK_serving_endpoints" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "active_revision" INTEGER NOT NULL,
    "max_batch_size" INTEGER NOT NULL,
    "max_batch_delay_micros" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "traffic_policies" (
    "id" TEXT NOT NULL CONSTRAINT "PK_traffic_policies" PRIMARY KEY,
    "endpoint_id" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "FK_traffic_policies_serving_endpoints_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "serving_endpoints" ("id") ON DELETE CASCADE
);

CREATE TABLE "traffic_routes" (
    "id" TEXT NOT NULL CONSTRAINT "PK_traffic_routes" PRIMARY KEY,
    "policy_id" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "version" INTEGER NULL,
    "alias" TEXT NULL,
    "role" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    CONSTRAINT "FK_traffic_routes_traffic_policies_policy_id" FOREIGN KEY ("policy_id") REFERENCES "traffic_policies" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_prediction_feedback_endpoint_name_received_at" ON "prediction_feedback" ("endpoint_name", "received_at");

CREATE INDEX "IX_predictions_endpoint_name_timestamp" ON "predictions" ("endpoint_name", "timestamp");

CREATE INDEX "IX_predictions_timestamp" ON "predictions" ("timestamp");

CREATE UNIQUE INDEX "IX_serving_endpoints_name" ON "serving_endpoints" ("name");

CREATE UNIQUE INDEX "IX_traffic_policies_endpoint_id_revision" ON "traffic_policies" ("endpoint_id", "revision");

CREATE INDEX "IX_traffic_routes_policy_id" ON "traffic_routes" ("policy_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122205303_Serving', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "alert_webhooks" (
    "id" TEXT NOT NULL CONSTRAINT "PK_alert_webhooks" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "alerts" (
    "id" TEXT NOT NULL CONSTRAINT "PK_alerts" PRIMARY KEY,
    "monitor_name" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "check_key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "opened_at" INTEGER NOT NULL,
    "last_seen_at" INTEGER NOT NULL,
    "resolved_at" INTEGER NULL,
    "occurrences" INTEGER NOT NULL,
    "opened_by_report_id" TEXT NOT NULL,
    "last_report_id" TEXT NOT NULL
);

CREATE TABLE "monitor_reports" (
    "id" TEXT NOT NULL CONSTRAINT "PK_monitor_reports" PRIMARY KEY,
    "monitor_name" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "ran_at" INTEGER NOT NULL,
    "window_start" INTEGER NOT NULL,
    "window_end" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "failed_checks" INTEGER NOT NULL,
    "report_json" TEXT NOT NULL
);

CREATE TABLE "monitors" (
    "id" TEXT NOT NULL CONSTRAINT "PK_monitors" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "spec_json" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "profile_buckets" (
    "id" TEXT NOT NULL CONSTRAINT "PK_profile_buckets" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "bucket_start" INTEGER NOT NULL,
    "bucket_millis" INTEGER NOT NULL,
    "replica_id" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "profile_json" TEXT NOT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "reference_profiles" (
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "profile_json" TEXT NOT NULL,
    "label_column" TEXT NULL,
    "positive_label" TEXT NULL,
    "calibrator_json" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "PK_reference_profiles" PRIMARY KEY ("model_name", "model_version")
);

CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY,
    "alert_id" TEXT NOT NULL,
    "webhook_name" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "status_code" INTEGER NULL,
    "error" TEXT NULL
);

CREATE UNIQUE INDEX "IX_alert_webhooks_name" ON "alert_webhooks" ("name");

CREATE INDEX "IX_alerts_monitor_name_check_key_status" ON "alerts" ("monitor_name", "check_key", "status");

CREATE INDEX "IX_alerts_status_opened_at" ON "alerts" ("status", "opened_at");

CREATE INDEX "IX_monitor_reports_monitor_name_ran_at" ON "monitor_reports" ("monitor_name", "ran_at");

CREATE UNIQUE INDEX "IX_monitors_name" ON "monitors" ("name");

CREATE UNIQUE INDEX "IX_profile_buckets_endpoint_name_bucket_start_model_name_model_version_replica_id" ON "profile_buckets" ("endpoint_name", "bucket_start", "model_name", "model_version", "replica_id");

CREATE INDEX "IX_webhook_deliveries_alert_id_at" ON "webhook_deliveries" ("alert_id", "at");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122230645_Monitoring', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "reference_profiles" ADD "insights_json" TEXT NULL;

ALTER TABLE "reference_profiles" ADD "sample_json" TEXT NULL;

CREATE TABLE "model_cards" (
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "fields_json" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" INTEGER NOT NULL,
    CONSTRAINT "PK_model_cards" PRIMARY KEY ("model_name", "model_version")
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122235535_Explain', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "dashboard_sessions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_dashboard_sessions" PRIMARY KEY,
    "secret_hash" TEXT NOT NULL,
    "token_id" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "last_seen_at" INTEGER NOT NULL,
    "expires_at" INTEGER NOT NULL,
    "revoked_at" INTEGER NULL,
    CONSTRAINT "FK_dashboard_sessions_api_tokens_token_id" FOREIGN KEY ("token_id") REFERENCES "api_tokens" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_dashboard_sessions_secret_hash" ON "dashboard_sessions" ("secret_hash");

CREATE INDEX "IX_dashboard_sessions_token_id" ON "dashboard_sessions" ("token_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206074359_DashboardSessions', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "serving_endpoints" ADD "durability" TEXT NOT NULL DEFAULT 'Buffered';

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206075135_EndpointDurability', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "reference_columns" (
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "column_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    CONSTRAINT "PK_reference_columns" PRIMARY KEY ("model_name", "model_version", "column_name")
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206103514_ReferenceColumns', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "reference_profiles" ADD "covers_json" TEXT NULL;

CREATE TABLE "reference_jobs" (
    "id" TEXT NOT NULL CONSTRAINT "PK_reference_jobs" PRIMARY KEY,
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "phase" TEXT NULL,
    "done" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "error" TEXT NULL,
    "rows" INTEGER NOT NULL,
    "staged_file" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "started_at" INTEGER NULL,
    "finished_at" INTEGER NULL
);

CREATE INDEX "IX_reference_jobs_model_name_model_version_created_at" ON "reference_jobs" ("model_name", "model_version", "created_at");

CREATE INDEX "IX_reference_jobs_state" ON "reference_jobs" ("state");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206120033_ReferenceJobs', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "logged_models" (
    "id" TEXT NOT NULL CONSTRAINT "PK_logged_models" PRIMARY KEY,
    "experiment_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "model_type" TEXT NOT NULL,
    "source_run_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_message" TEXT NULL,
    "artifact_location" TEXT NOT NULL,
    "creation_time" INTEGER NOT NULL,
    "last_updated_time" INTEGER NOT NULL,
    "lifecycle_stage" TEXT NOT NULL,
    CONSTRAINT "FK_logged_models_experiments_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "experiments" ("id") ON DELETE RESTRICT
);

CREATE TABLE "logged_model_metrics" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_logged_model_metrics" PRIMARY KEY AUTOINCREMENT,
    "model_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "is_na_n" INTEGER NOT NULL,
    "timestamp" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "dataset_name" TEXT NULL,
    "dataset_digest" TEXT NULL,
    CONSTRAINT "FK_logged_model_metrics_logged_models_model_id" FOREIGN KEY ("model_id") REFERENCES "logged_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "logged_model_params" (
    "model_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_logged_model_params" PRIMARY KEY ("model_id", "key"),
    CONSTRAINT "FK_logged_model_params_logged_models_model_id" FOREIGN KEY ("model_id") REFERENCES "logged_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "logged_model_tags" (
    "model_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "PK_logged_model_tags" PRIMARY KEY ("model_id", "key"),
    CONSTRAINT "FK_logged_model_tags_logged_models_model_id" FOREIGN KEY ("model_id") REFERENCES "logged_models" ("id") ON DELETE CASCADE
);

CREATE TABLE "run_model_links" (
    "run_id" TEXT NOT NULL,
    "model_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    CONSTRAINT "PK_run_model_links" PRIMARY KEY ("run_id", "model_id", "direction"),
    CONSTRAINT "FK_run_model_links_logged_models_model_id" FOREIGN KEY ("model_id") REFERENCES "logged_models" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_run_model_links_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_logged_model_metrics_key_value" ON "logged_model_metrics" ("key", "value");

CREATE INDEX "IX_logged_model_metrics_model_id_key_timestamp_step" ON "logged_model_metrics" ("model_id", "key", "timestamp", "step");

CREATE INDEX "IX_logged_model_params_key_model_id" ON "logged_model_params" ("key", "model_id");

CREATE INDEX "IX_logged_model_tags_key_model_id" ON "logged_model_tags" ("key", "model_id");

CREATE INDEX "IX_logged_models_experiment_id_lifecycle_stage_creation_time" ON "logged_models" ("experiment_id", "lifecycle_stage", "creation_time");

CREATE INDEX "IX_logged_models_experiment_id_name" ON "logged_models" ("experiment_id", "name");

CREATE INDEX "IX_run_model_links_model_id" ON "run_model_links" ("model_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206133009_LoggedModels', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "serving_endpoints" ADD "invocations_output" TEXT NOT NULL DEFAULT 'Predict';

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206133924_InvocationsOutput', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "api_tokens" ADD "group" TEXT NULL;

CREATE TABLE "groups" (
    "name" TEXT NOT NULL CONSTRAINT "PK_groups" PRIMARY KEY,
    "description" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "resource_grants" (
    "resource_kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "principal_kind" TEXT NOT NULL,
    "principal_name" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "granted_by" TEXT NOT NULL,
    "granted_at" INTEGER NOT NULL,
    CONSTRAINT "PK_resource_grants" PRIMARY KEY ("resource_kind", "resource_id", "principal_kind", "principal_name")
);

CREATE TABLE "resource_owners" (
    "resource_kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "owner_group" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "PK_resource_owners" PRIMARY KEY ("resource_kind", "resource_id")
);

CREATE TABLE "group_members" (
    "group_name" TEXT NOT NULL,
    "member" TEXT NOT NULL,
    "added_by" TEXT NOT NULL,
    "added_at" INTEGER NOT NULL,
    CONSTRAINT "PK_group_members" PRIMARY KEY ("group_name", "member"),
    CONSTRAINT "FK_group_members_groups_group_name" FOREIGN KEY ("group_name") REFERENCES "groups" ("name") ON DELETE CASCADE
);

CREATE INDEX "IX_group_members_member" ON "group_members" ("member");

CREATE INDEX "IX_resource_grants_principal_kind_principal_name" ON "resource_grants" ("principal_kind", "principal_name");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206155856_ResourceGrants', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "governance_policies" (
    "model_name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "overrides_json" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "PK_governance_policies" PRIMARY KEY ("model_name", "revision")
);

CREATE TABLE "promotion_requests" (
    "id" TEXT NOT NULL CONSTRAINT "PK_promotion_requests" PRIMARY KEY,
    "model_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "target_alias" TEXT NULL,
    "target_stage" TEXT NULL,
    "archive_existing" INTEGER NOT NULL,
    "justification" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" INTEGER NOT NULL,
    "expires_at" INTEGER NOT NULL,
    "closed_at" INTEGER NULL,
    "closed_by" TEXT NULL,
    "policy_revision" INTEGER NOT NULL,
    "policy_json" TEXT NOT NULL,
    "champion_version" INTEGER NULL,
    "previous_version" INTEGER NULL,
    "evidence_json" TEXT NOT NULL,
    "gates_passed" INTEGER NOT NULL,
    "failed_checks" TEXT NOT NULL,
    "card_sha256" TEXT NULL
);

CREATE TABLE "promotion_decisions" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_promotion_decisions" PRIMARY KEY AUTOINCREMENT,
    "request_id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "at" INTEGER NOT NULL,
    CONSTRAINT "FK_promotion_decisions_promotion_requests_request_id" FOREIGN KEY ("request_id") REFERENCES "promotion_requests" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_promotion_decisions_request_id" ON "promotion_decisions" ("request_id");

CREATE INDEX "IX_promotion_requests_model_name_state" ON "promotion_requests" ("model_name", "state");

CREATE INDEX "IX_promotion_requests_state_expires_at" ON "promotion_requests" ("state", "expires_at");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206160003_GovernancePolicies', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "holdout_datasets" (
    "model_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "columns" TEXT NOT NULL,
    "positive_label" TEXT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    CONSTRAINT "PK_holdout_datasets" PRIMARY KEY ("model_name", "name")
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206160004_HoldoutDatasets', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "registry_webhook_attempts" (
    "id" TEXT NOT NULL CONSTRAINT "PK_registry_webhook_attempts" PRIMARY KEY,
    "delivery_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "status_code" INTEGER NULL,
    "error" TEXT NULL
);

CREATE TABLE "registry_webhook_deliveries" (
    "id" TEXT NOT NULL CONSTRAINT "PK_registry_webhook_deliveries" PRIMARY KEY,
    "webhook_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "next_attempt_at" INTEGER NULL,
    "created_at" INTEGER NOT NULL,
    "last_attempt_at" INTEGER NULL,
    "response_status" INTEGER NULL,
    "last_error" TEXT NULL
);

CREATE TABLE "registry_webhooks" (
    "id" TEXT NOT NULL CONSTRAINT "PK_registry_webhooks" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "api" TEXT NOT NULL,
    "protected_secret" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "creation_timestamp" INTEGER NOT NULL,
    "last_updated_timestamp" INTEGER NOT NULL,
    "deleted_timestamp" INTEGER NULL
);

CREATE INDEX "IX_registry_webhook_attempts_delivery_id_attempt" ON "registry_webhook_attempts" ("delivery_id", "attempt");

CREATE INDEX "IX_registry_webhook_deliveries_status_next_attempt_at" ON "registry_webhook_deliveries" ("status", "next_attempt_at");

CREATE INDEX "IX_registry_webhook_deliveries_webhook_id_created_at" ON "registry_webhook_deliveries" ("webhook_id", "created_at");

CREATE INDEX "IX_registry_webhooks_creation_timestamp" ON "registry_webhooks" ("creation_timestamp");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206161005_RegistryWebhooks', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "predictions" ADD "erased_at" INTEGER NULL;

ALTER TABLE "predictions" ADD "input_digest" TEXT NULL;

ALTER TABLE "predictions" ADD "subject_hash" TEXT NULL;

CREATE TABLE "endpoint_oversight" (
    "endpoint_name" TEXT NOT NULL CONSTRAINT "PK_endpoint_oversight" PRIMARY KEY,
    "suspended" INTEGER NOT NULL,
    "suspended_at" INTEGER NULL,
    "suspended_by" TEXT NULL,
    "suspend_reason" TEXT NULL,
    "fallback_json" TEXT NULL,
    "subject_field" TEXT NULL,
    "retention_days" INTEGER NULL,
    "overrides_as_ground_truth" INTEGER NOT NULL,
    "review_score_class" TEXT NULL,
    "review_band_low" REAL NULL,
    "review_band_high" REAL NULL,
    "override_rate_limit" REAL NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "prediction_reviews" (
    "id" TEXT NOT NULL CONSTRAINT "PK_prediction_reviews" PRIMARY KEY,
    "prediction_id" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" TEXT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "prediction_seals" (
    "id" TEXT NOT NULL CONSTRAINT "PK_prediction_seals" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    "predictions" INTEGER NOT NULL,
    "reviews" INTEGER NOT NULL,
    "leaves" BLOB NOT NULL,
    "digest" TEXT NOT NULL,
    "sealed_at" INTEGER NOT NULL,
    "sealed_by" TEXT NOT NULL
);

CREATE INDEX "IX_predictions_subject_hash" ON "predictions" ("subject_hash");

CREATE INDEX "IX_prediction_reviews_endpoint_name_created_at" ON "prediction_reviews" ("endpoint_name", "created_at");

CREATE INDEX "IX_prediction_reviews_prediction_id" ON "prediction_reviews" ("prediction_id");

CREATE UNIQUE INDEX "IX_prediction_seals_endpoint_name_from" ON "prediction_seals" ("endpoint_name", "from");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206184731_Oversight', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "predictions" ADD "erased_reasons_json" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206185717_OversightSubjects', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "challenger_evaluations" (
    "id" TEXT NOT NULL CONSTRAINT "PK_challenger_evaluations" PRIMARY KEY,
    "pipeline_run_id" TEXT NULL,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "champion_version" INTEGER NOT NULL,
    "challenger_version" INTEGER NOT NULL,
    "window_from" INTEGER NOT NULL,
    "window_to" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "champion_value" REAL NOT NULL,
    "challenger_value" REAL NOT NULL,
    "difference_low" REAL NOT NULL,
    "difference_high" REAL NOT NULL,
    "paired_test" TEXT NOT NULL,
    "p_value" REAL NOT NULL,
    "verdict" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "metrics_json" TEXT NOT NULL,
    "curves_json" TEXT NOT NULL,
    "fairness_json" TEXT NOT NULL,
    "drift_json" TEXT NOT NULL,
    "shadow_json" TEXT NULL,
    "shadow_started_at" INTEGER NULL,
    "created_at" INTEGER NOT NULL,
    "completed_at" INTEGER NULL
);

CREATE TABLE "pipeline_runs" (
    "id" TEXT NOT NULL CONSTRAINT "PK_pipeline_runs" PRIMARY KEY,
    "pipeline_id" TEXT NOT NULL,
    "pipeline_name" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "phase" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    "firing_id" TEXT NULL,
    "trigger_kind" TEXT NOT NULL,
    "trigger_reason" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "dataset_id" TEXT NULL,
    "tracking_run_id" TEXT NULL,
    "exit_code" INTEGER NULL,
    "error" TEXT NULL,
    "champion_version" INTEGER NULL,
    "challenger_version" INTEGER NULL,
    "evaluation_id" TEXT NULL,
    "rollout_id" TEXT NULL,
    "promotion_request_id" TEXT NULL,
    "queued_at" INTEGER NOT NULL,
    "started_at" INTEGER NULL,
    "ended_at" INTEGER NULL,
    "updated_at" INTEGER NOT NULL,
    "finished_at" INTEGER NULL
);

CREATE TABLE "pipelines" (
    "id" TEXT NOT NULL CONSTRAINT "PK_pipelines" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "experiment_name" TEXT NOT NULL,
    "spec_json" TEXT NOT NULL,
    "enabled" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "rollout_events" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_rollout_events" PRIMARY KEY AUTOINCREMENT,
    "rollout_id" TEXT NOT NULL,
    "at" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "detail" TEXT NOT NULL,
    "guards_json" TEXT NULL
);

CREATE TABLE "rollouts" (
    "id" TEXT NOT NULL CONSTRAINT "PK_rollouts" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "champion_version" INTEGER NOT NULL,
    "challenger_version" INTEGER NOT NULL,
    "pipeline_run_id" TEXT NULL,
    "evaluation_id" TEXT NULL,
    "steps" TEXT NOT NULL,
    "step_index" INTEGER NOT NULL,
    "step_started_at" INTEGER NOT NULL,
    "hold_ms" INTEGER NOT NULL,
    "guards_json" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "baseline_revision" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NULL,
    "started_by" TEXT NOT NULL,
    "started_at" INTEGER NOT NULL,
    "ended_at" INTEGER NULL
);

CREATE TABLE "training_datasets" (
    "id" TEXT NOT NULL CONSTRAINT "PK_training_datasets" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "endpoint_name" TEXT NOT NULL,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    "as_of" INTEGER NOT NULL,
    "label_delay_max_ms" INTEGER NULL,
    "with_reference" INTEGER NOT NULL,
    "holdout_from" INTEGER NULL,
    "query_json" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "labelled_rows" INTEGER NOT NULL,
    "reference_rows" INTEGER NOT NULL,
    "holdout_rows" INTEGER NOT NULL,
    "label_coverage" REAL NOT NULL,
    "versions_json" TEXT NOT NULL,
    "columns" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "artifact_path" TEXT NOT NULL,
    "holdout_artifact_path" TEXT NULL,
    "holdout_digest" TEXT NULL,
    "size_bytes" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "trigger_firings" (
    "id" TEXT NOT NULL CONSTRAINT "PK_trigger_firings" PRIMARY KEY,
    "pipeline_id" TEXT NOT NULL,
    "pipeline_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NULL,
    "outcome" TEXT NOT NULL,
    "run_id" TEXT NULL,
    "at" INTEGER NOT NULL
);

CREATE INDEX "IX_challenger_evaluations_endpoint_name_created_at" ON "challenger_evaluations" ("endpoint_name", "created_at");

CREATE INDEX "IX_challenger_evaluations_pipeline_run_id" ON "challenger_evaluations" ("pipeline_run_id");

CREATE INDEX "IX_pipeline_runs_phase" ON "pipeline_runs" ("phase");

CREATE UNIQUE INDEX "IX_pipeline_runs_pipeline_id_number" ON "pipeline_runs" ("pipeline_id", "number");

CREATE UNIQUE INDEX "ix_pipeline_runs_one_active" ON "pipeline_runs" ("pipeline_id") WHERE active;

CREATE INDEX "IX_pipelines_endpoint_name" ON "pipelines" ("endpoint_name");

CREATE UNIQUE INDEX "IX_pipelines_name" ON "pipelines" ("name");

CREATE INDEX "IX_rollout_events_rollout_id_id" ON "rollout_events" ("rollout_id", "id");

CREATE INDEX "IX_rollouts_endpoint_name_started_at" ON "rollouts" ("endpoint_name", "started_at");

CREATE INDEX "IX_rollouts_status" ON "rollouts" ("status");

CREATE INDEX "IX_training_datasets_endpoint_name_created_at" ON "training_datasets" ("endpoint_name", "created_at");

CREATE UNIQUE INDEX "IX_training_datasets_name" ON "training_datasets" ("name");

CREATE INDEX "IX_trigger_firings_pipeline_id_at" ON "trigger_firings" ("pipeline_id", "at");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206214558_Pipelines', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP INDEX "IX_predictions_subject_hash";

ALTER TABLE "predictions" RENAME COLUMN "shadow_outputs_json" TO "shadow_outputs";

ALTER TABLE "predictions" RENAME COLUMN "outputs_json" TO "outputs";

ALTER TABLE "predictions" RENAME COLUMN "inputs_json" TO "inputs";

CREATE TABLE "prediction_schemas" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_prediction_schemas" PRIMARY KEY,
    "structure" TEXT NOT NULL
);

CREATE INDEX "IX_predictions_subject_hash" ON "predictions" ("subject_hash") WHERE subject_hash IS NOT NULL;

UPDATE predictions SET inputs = CAST(inputs AS BLOB), outputs = CAST(outputs AS BLOB),
    shadow_outputs = CAST(shadow_outputs AS BLOB)
WHERE typeof(inputs) = 'text' OR typeof(outputs) = 'text' OR typeof(shadow_outputs) = 'text';

CREATE TABLE "ef_temp_predictions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_predictions" PRIMARY KEY,
    "endpoint_name" TEXT NOT NULL,
    "erased_at" INTEGER NULL,
    "erased_reasons_json" TEXT NULL,
    "input_digest" TEXT NULL,
    "inputs" BLOB NOT NULL,
    "latency_micros" INTEGER NOT NULL,
    "model_name" TEXT NOT NULL,
    "model_version" INTEGER NOT NULL,
    "outputs" BLOB NOT NULL,
    "shadow_outputs" BLOB NULL,
    "subject_hash" TEXT NULL,
    "timestamp" INTEGER NOT NULL
);

INSERT INTO "ef_temp_predictions" ("id", "endpoint_name", "erased_at", "erased_reasons_json", "input_digest", "inputs", "latency_micros", "model_name", "model_version", "outputs", "shadow_outputs", "subject_hash", "timestamp")
SELECT "id", "endpoint_name", "erased_at", "erased_reasons_json", "input_digest", "inputs", "latency_micros", "model_name", "model_version", "outputs", "shadow_outputs", "subject_hash", "timestamp"
FROM "predictions";

COMMIT;

PRAGMA foreign_keys = 0;

BEGIN TRANSACTION;
DROP TABLE "predictions";

ALTER TABLE "ef_temp_predictions" RENAME TO "predictions";

COMMIT;

PRAGMA foreign_keys = 1;

BEGIN TRANSACTION;
CREATE INDEX "IX_predictions_endpoint_name_timestamp" ON "predictions" ("endpoint_name", "timestamp");

CREATE INDEX "IX_predictions_subject_hash" ON "predictions" ("subject_hash") WHERE subject_hash IS NOT NULL;

CREATE INDEX "IX_predictions_timestamp" ON "predictions" ("timestamp");

COMMIT;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261207041000_CompactPredictionLog', '10.0.15');

