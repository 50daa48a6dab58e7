using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Monitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_webhooks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_webhooks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    monitor_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    check_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    message = table.Column<string>(type: "TEXT", nullable: false),
                    opened_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    resolved_at = table.Column<long>(type: "INTEGER", nullable: true),
                    occurrences = table.Column<int>(type: "INTEGER", nullable: false),
                    opened_by_report_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    last_report_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "monitor_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    monitor_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ran_at = table.Column<long>(type: "INTEGER", nullable: false),
                    window_start = table.Column<long>(type: "INTEGER", nullable: false),
                    window_end = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    failed_checks = table.Column<int>(type: "INTEGER", nullable: false),
                    report_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_monitor_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "monitors",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    spec_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_monitors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "profile_buckets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    bucket_start = table.Column<long>(type: "INTEGER", nullable: false),
                    bucket_millis = table.Column<long>(type: "INTEGER", nullable: false),
                    replica_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    rows = table.Column<long>(type: "INTEGER", nullable: false),
                    profile_json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_profile_buckets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reference_profiles",
                columns: table => new
                {
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    rows = table.Column<long>(type: "INTEGER", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    profile_json = table.Column<string>(type: "TEXT", nullable: false),
                    label_column = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    positive_label = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    calibrator_json = table.Column<string>(type: "TEXT", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reference_profiles", x => new { x.model_name, x.model_version });
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    alert_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    webhook_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    @event = table.Column<string>(name: "event", type: "TEXT", maxLength: 16, nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    status_code = table.Column<int>(type: "INTEGER", nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_deliveries", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_webhooks_name",
                table: "alert_webhooks",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alerts_monitor_name_check_key_status",
                table: "alerts",
                columns: new[] { "monitor_name", "check_key", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_status_opened_at",
                table: "alerts",
                columns: new[] { "status", "opened_at" });

            migrationBuilder.CreateIndex(
                name: "IX_monitor_reports_monitor_name_ran_at",
                table: "monitor_reports",
                columns: new[] { "monitor_name", "ran_at" });

            migrationBuilder.CreateIndex(
                name: "IX_monitors_name",
                table: "monitors",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_profile_buckets_endpoint_name_bucket_start_model_name_model_version_replica_id",
                table: "profile_buckets",
                columns: new[] { "endpoint_name", "bucket_start", "model_name", "model_version", "replica_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_alert_id_at",
                table: "webhook_deliveries",
                columns: new[] { "alert_id", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_webhooks");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "monitor_reports");

            migrationBuilder.DropTable(
                name: "monitors");

            migrationBuilder.DropTable(
                name: "profile_buckets");

            migrationBuilder.DropTable(
                name: "reference_profiles");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");
        }
    }
}
