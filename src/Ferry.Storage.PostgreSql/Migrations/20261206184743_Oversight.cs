using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Oversight : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "erased_at",
                table: "predictions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "input_digest",
                table: "predictions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject_hash",
                table: "predictions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "endpoint_oversight",
                columns: table => new
                {
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    suspended = table.Column<bool>(type: "boolean", nullable: false),
                    suspended_at = table.Column<long>(type: "bigint", nullable: true),
                    suspended_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    suspend_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    fallback_json = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    subject_field = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    retention_days = table.Column<int>(type: "integer", nullable: true),
                    overrides_as_ground_truth = table.Column<bool>(type: "boolean", nullable: false),
                    review_score_class = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    review_band_low = table.Column<double>(type: "double precision", nullable: true),
                    review_band_high = table.Column<double>(type: "double precision", nullable: true),
                    override_rate_limit = table.Column<double>(type: "double precision", nullable: true),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_endpoint_oversight", x => x.endpoint_name);
                });

            migrationBuilder.CreateTable(
                name: "prediction_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    prediction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    outcome = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_reviews", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "prediction_seals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    endpoint_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    from = table.Column<long>(type: "bigint", nullable: false),
                    to = table.Column<long>(type: "bigint", nullable: false),
                    predictions = table.Column<int>(type: "integer", nullable: false),
                    reviews = table.Column<int>(type: "integer", nullable: false),
                    leaves = table.Column<byte[]>(type: "bytea", nullable: false),
                    digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sealed_at = table.Column<long>(type: "bigint", nullable: false),
                    sealed_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_seals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions",
                column: "subject_hash");

            migrationBuilder.CreateIndex(
                name: "IX_prediction_reviews_endpoint_name_created_at",
                table: "prediction_reviews",
                columns: new[] { "endpoint_name", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_prediction_reviews_prediction_id",
                table: "prediction_reviews",
                column: "prediction_id");

            migrationBuilder.CreateIndex(
                name: "IX_prediction_seals_endpoint_name_from",
                table: "prediction_seals",
                columns: new[] { "endpoint_name", "from" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "endpoint_oversight");

            migrationBuilder.DropTable(
                name: "prediction_reviews");

            migrationBuilder.DropTable(
                name: "prediction_seals");

            migrationBuilder.DropIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "erased_at",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "input_digest",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "subject_hash",
                table: "predictions");
        }
    }
}
