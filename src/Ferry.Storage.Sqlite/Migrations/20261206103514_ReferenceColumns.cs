using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReferenceColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "reference_columns",
                columns: table => new
                {
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    column_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    rows = table.Column<long>(type: "INTEGER", nullable: false),
                    data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reference_columns", x => new { x.model_name, x.model_version, x.column_name });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reference_columns");
        }
    }
}
