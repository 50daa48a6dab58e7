using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Serving : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "prediction_feedback",
                columns: table => new
                {
                    prediction_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    label = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    value = table.Column<double>(type: "REAL", nullable: true),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_feedback", x => x.prediction_id);
                });

            migrationBuilder.CreateTable(
                name: "predictions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    endpoint_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    inputs_json = table.Column<string>(type: "TEXT", nullable: false),
                    outputs_json = table.Column<string>(type: "TEXT", nullable: false),
                    shadow_outputs_json = table.Column<string>(type: "TEXT", nullable: true),
                    latency_micros = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_predictions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "serving_endpoints",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    active_revision = table.Column<int>(type: "INTEGER", nullable: false),
                    max_batch_size = table.Column<int>(type: "INTEGER", nullable: false),
                    max_batch_delay_micros = table.Column<int>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_serving_endpoints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "traffic_policies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    endpoint_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    revision = table.Column<int>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_traffic_policies", x => x.id);
                    table.ForeignKey(
                        name: "FK_traffic_policies_serving_endpoints_endpoint_id",
                        column: x => x.endpoint_id,
                        principalTable: "serving_endpoints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "traffic_routes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    policy_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: true),
                    alias = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    role = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    weight = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_traffic_routes", x => x.id);
                    table.ForeignKey(
                        name: "FK_traffic_routes_traffic_policies_policy_id",
                        column: x => x.policy_id,
                        principalTable: "traffic_policies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_prediction_feedback_endpoint_name_received_at",
                table: "prediction_feedback",
                columns: new[] { "endpoint_name", "received_at" });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_endpoint_name_timestamp",
                table: "predictions",
                columns: new[] { "endpoint_name", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_timestamp",
                table: "predictions",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "IX_serving_endpoints_name",
                table: "serving_endpoints",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_traffic_policies_endpoint_id_revision",
                table: "traffic_policies",
                columns: new[] { "endpoint_id", "revision" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_traffic_routes_policy_id",
                table: "traffic_routes",
                column: "policy_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prediction_feedback");

            migrationBuilder.DropTable(
                name: "predictions");

            migrationBuilder.DropTable(
                name: "traffic_routes");

            migrationBuilder.DropTable(
                name: "traffic_policies");

            migrationBuilder.DropTable(
                name: "serving_endpoints");
        }
    }
}
