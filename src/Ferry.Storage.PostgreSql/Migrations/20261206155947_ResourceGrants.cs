using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ResourceGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "group",
                table: "api_tokens",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "groups",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_groups", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "resource_grants",
                columns: table => new
                {
                    resource_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    principal_kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    principal_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    permission = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    granted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_grants", x => new { x.resource_kind, x.resource_id, x.principal_kind, x.principal_name });
                });

            migrationBuilder.CreateTable(
                name: "resource_owners",
                columns: table => new
                {
                    resource_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    owner_group = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_owners", x => new { x.resource_kind, x.resource_id });
                });

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    group_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    member = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    added_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => new { x.group_name, x.member });
                    table.ForeignKey(
                        name: "FK_group_members_groups_group_name",
                        column: x => x.group_name,
                        principalTable: "groups",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_group_members_member",
                table: "group_members",
                column: "member");

            migrationBuilder.CreateIndex(
                name: "IX_resource_grants_principal_kind_principal_name",
                table: "resource_grants",
                columns: new[] { "principal_kind", "principal_name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "resource_grants");

            migrationBuilder.DropTable(
                name: "resource_owners");

            migrationBuilder.DropTable(
                name: "groups");

            migrationBuilder.DropColumn(
                name: "group",
                table: "api_tokens");
        }
    }
}
