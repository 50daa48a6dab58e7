using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Pipelines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "challenger_evaluations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    champion_version = table.Column<int>(type: "integer", nullable: false),
                    challenger_version = table.Column<int>(type: "integer", nullable: false),
                    window_from = table.Column<long>(type: "bigint", nullable: false),
                    window_to = table.Column<long>(type: "bigint", nullable: false),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    champion_value = table.Column<double>(type: "double precision", nullable: false),
                    challenger_value = table.Column<double>(type: "double precision", nullable: false),
                    difference_low = table.Column<double>(type: "double precision", nullable: false),
                    difference_high = table.Column<double>(type: "double precision", nullable: false),
                    paired_test = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    p_value = table.Column<double>(type: "double precision", nullable: false),
                    verdict = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    metrics_json = table.Column<string>(type: "text", nullable: false),
                    curves_json = table.Column<string>(type: "text", nullable: false),
                    fairness_json = table.Column<string>(type: "text", nullable: false),
                    drift_json = table.Column<string>(type: "text", nullable: false),
                    shadow_json = table.Column<string>(type: "text", nullable: true),
                    shadow_started_at = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    completed_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenger_evaluations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pipeline_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    phase = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    firing_id = table.Column<Guid>(type: "uuid", nullable: true),
                    trigger_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    trigger_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: true),
                    tracking_run_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    exit_code = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    champion_version = table.Column<int>(type: "integer", nullable: true),
                    challenger_version = table.Column<int>(type: "integer", nullable: true),
                    evaluation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rollout_id = table.Column<Guid>(type: "uuid", nullable: true),
                    promotion_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    queued_at = table.Column<long>(type: "bigint", nullable: false),
                    started_at = table.Column<long>(type: "bigint", nullable: true),
                    ended_at = table.Column<long>(type: "bigint", nullable: true),
                    updated_at = table.Column<long>(type: "bigint", nullable: false),
                    finished_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pipeline_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pipelines",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    experiment_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    spec_json = table.Column<string>(type: "text", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pipelines", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rollout_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    rollout_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    percent = table.Column<int>(type: "integer", nullable: false),
                    detail = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    guards_json = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rollout_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rollouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    champion_version = table.Column<int>(type: "integer", nullable: false),
                    challenger_version = table.Column<int>(type: "integer", nullable: false),
                    pipeline_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    evaluation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    steps = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    step_index = table.Column<int>(type: "integer", nullable: false),
                    step_started_at = table.Column<long>(type: "bigint", nullable: false),
                    hold_ms = table.Column<long>(type: "bigint", nullable: false),
                    guards_json = table.Column<string>(type: "text", nullable: false),
                    alias = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    baseline_revision = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    started_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    started_at = table.Column<long>(type: "bigint", nullable: false),
                    ended_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rollouts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "training_datasets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    from = table.Column<long>(type: "bigint", nullable: false),
                    to = table.Column<long>(type: "bigint", nullable: false),
                    as_of = table.Column<long>(type: "bigint", nullable: false),
                    label_delay_max_ms = table.Column<long>(type: "bigint", nullable: true),
                    with_reference = table.Column<bool>(type: "boolean", nullable: false),
                    holdout_from = table.Column<long>(type: "bigint", nullable: true),
                    query_json = table.Column<string>(type: "text", nullable: false),
                    rows = table.Column<long>(type: "bigint", nullable: false),
                    labelled_rows = table.Column<long>(type: "bigint", nullable: false),
                    reference_rows = table.Column<long>(type: "bigint", nullable: false),
                    holdout_rows = table.Column<long>(type: "bigint", nullable: false),
                    label_coverage = table.Column<double>(type: "double precision", nullable: false),
                    versions_json = table.Column<string>(type: "text", nullable: false),
                    columns = table.Column<string>(type: "text", nullable: false),
                    digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    artifact_path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    holdout_artifact_path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    holdout_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_training_datasets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "trigger_firings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    source = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trigger_firings", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_challenger_evaluations_endpoint_name_created_at",
                table: "challenger_evaluations",
                columns: new[] { "endpoint_name", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_challenger_evaluations_pipeline_run_id",
                table: "challenger_evaluations",
                column: "pipeline_run_id");

            migrationBuilder.CreateIndex(
                name: "IX_pipeline_runs_phase",
                table: "pipeline_runs",
                column: "phase");

            migrationBuilder.CreateIndex(
                name: "IX_pipeline_runs_pipeline_id_number",
                table: "pipeline_runs",
                columns: new[] { "pipeline_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pipeline_runs_one_active",
                table: "pipeline_runs",
                column: "pipeline_id",
                unique: true,
                filter: "active");

            migrationBuilder.CreateIndex(
                name: "IX_pipelines_endpoint_name",
                table: "pipelines",
                column: "endpoint_name");

            migrationBuilder.CreateIndex(
                name: "IX_pipelines_name",
                table: "pipelines",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rollout_events_rollout_id_id",
                table: "rollout_events",
                columns: new[] { "rollout_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_rollouts_endpoint_name_started_at",
                table: "rollouts",
                columns: new[] { "endpoint_name", "started_at" });

            migrationBuilder.CreateIndex(
                name: "IX_rollouts_status",
                table: "rollouts",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_training_datasets_endpoint_name_created_at",
                table: "training_datasets",
                columns: new[] { "endpoint_name", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_training_datasets_name",
                table: "training_datasets",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trigger_firings_pipeline_id_at",
                table: "trigger_firings",
                columns: new[] { "pipeline_id", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "challenger_evaluations");

            migrationBuilder.DropTable(
                name: "pipeline_runs");

            migrationBuilder.DropTable(
                name: "pipelines");

            migrationBuilder.DropTable(
                name: "rollout_events");

            migrationBuilder.DropTable(
                name: "rollouts");

            migrationBuilder.DropTable(
                name: "training_datasets");

            migrationBuilder.DropTable(
                name: "trigger_firings");
        }
    }
}
