using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Explain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "insights_json",
                table: "reference_profiles",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sample_json",
                table: "reference_profiles",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "model_cards",
                columns: table => new
                {
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    fields_json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_cards", x => new { x.model_name, x.model_version });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_cards");

            migrationBuilder.DropColumn(
                name: "insights_json",
                table: "reference_profiles");

            migrationBuilder.DropColumn(
                name: "sample_json",
                table: "reference_profiles");
        }
    }
}
