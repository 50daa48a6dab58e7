using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DashboardSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dashboard_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    token_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dashboard_sessions", x => x.id);
                    table.ForeignKey(
                        name: "FK_dashboard_sessions_api_tokens_token_id",
                        column: x => x.token_id,
                        principalTable: "api_tokens",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_dashboard_sessions_secret_hash",
                table: "dashboard_sessions",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dashboard_sessions_token_id",
                table: "dashboard_sessions",
                column: "token_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dashboard_sessions");
        }
    }
}
