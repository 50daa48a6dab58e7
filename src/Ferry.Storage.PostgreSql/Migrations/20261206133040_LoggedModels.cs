using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class LoggedModels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "logged_models",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    experiment_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    model_type = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    source_run_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status_message = table.Column<string>(type: "text", nullable: true),
                    artifact_location = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    creation_time = table.Column<long>(type: "bigint", nullable: false),
                    last_updated_time = table.Column<long>(type: "bigint", nullable: false),
                    lifecycle_stage = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_logged_models", x => x.id);
                    table.ForeignKey(
                        name: "FK_logged_models_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "logged_model_metrics",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    model_id = table.Column<string>(type: "character varying(64)", nullable: false),
                    run_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    is_na_n = table.Column<bool>(type: "boolean", nullable: false),
                    timestamp = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false),
                    dataset_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    dataset_digest = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_logged_model_metrics", x => x.id);
                    table.ForeignKey(
                        name: "FK_logged_model_metrics_logged_models_model_id",
                        column: x => x.model_id,
                        principalTable: "logged_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "logged_model_params",
                columns: table => new
                {
                    model_id = table.Column<string>(type: "character varying(64)", nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_logged_model_params", x => new { x.model_id, x.key });
                    table.ForeignKey(
                        name: "FK_logged_model_params_logged_models_model_id",
                        column: x => x.model_id,
                        principalTable: "logged_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "logged_model_tags",
                columns: table => new
                {
                    model_id = table.Column<string>(type: "character varying(64)", nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_logged_model_tags", x => new { x.model_id, x.key });
                    table.ForeignKey(
                        name: "FK_logged_model_tags_logged_models_model_id",
                        column: x => x.model_id,
                        principalTable: "logged_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "run_model_links",
                columns: table => new
                {
                    run_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    model_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    direction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_model_links", x => new { x.run_id, x.model_id, x.direction });
                    table.ForeignKey(
                        name: "FK_run_model_links_logged_models_model_id",
                        column: x => x.model_id,
                        principalTable: "logged_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_run_model_links_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_logged_model_metrics_key_value",
                table: "logged_model_metrics",
                columns: new[] { "key", "value" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_model_metrics_model_id_key_timestamp_step",
                table: "logged_model_metrics",
                columns: new[] { "model_id", "key", "timestamp", "step" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_model_params_key_model_id",
                table: "logged_model_params",
                columns: new[] { "key", "model_id" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_model_tags_key_model_id",
                table: "logged_model_tags",
                columns: new[] { "key", "model_id" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_models_experiment_id_lifecycle_stage_creation_time",
                table: "logged_models",
                columns: new[] { "experiment_id", "lifecycle_stage", "creation_time" });

            migrationBuilder.CreateIndex(
                name: "IX_logged_models_experiment_id_name",
                table: "logged_models",
                columns: new[] { "experiment_id", "name" });

            migrationBuilder.CreateIndex(
                name: "IX_run_model_links_model_id",
                table: "run_model_links",
                column: "model_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "logged_model_metrics");

            migrationBuilder.DropTable(
                name: "logged_model_params");

            migrationBuilder.DropTable(
                name: "logged_model_tags");

            migrationBuilder.DropTable(
                name: "run_model_links");

            migrationBuilder.DropTable(
                name: "logged_models");
        }
    }
}
