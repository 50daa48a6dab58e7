using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ReferenceJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "covers_json",
                table: "reference_profiles",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "reference_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    phase = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    done = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    rows = table.Column<long>(type: "bigint", nullable: false),
                    staged_file = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    started_at = table.Column<long>(type: "bigint", nullable: true),
                    finished_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reference_jobs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_reference_jobs_model_name_model_version_created_at",
                table: "reference_jobs",
                columns: new[] { "model_name", "model_version", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_reference_jobs_state",
                table: "reference_jobs",
                column: "state");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reference_jobs");

            migrationBuilder.DropColumn(
                name: "covers_json",
                table: "reference_profiles");
        }
    }
}
