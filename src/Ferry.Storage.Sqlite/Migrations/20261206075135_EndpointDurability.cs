using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class EndpointDurability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "durability",
                table: "serving_endpoints",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Buffered");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "durability",
                table: "serving_endpoints");
        }
    }
}
