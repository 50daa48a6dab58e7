using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "reference_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    phase = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    done = table.Column<long>(type: "INTEGER", nullable: false),
                    total = table.Column<long>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    rows = table.Column<long>(type: "INTEGER", nullable: false),
                    staged_file = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true)
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
