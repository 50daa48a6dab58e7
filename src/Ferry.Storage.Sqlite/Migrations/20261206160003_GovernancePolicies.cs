using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GovernancePolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "governance_policies",
                columns: table => new
                {
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    revision = table.Column<int>(type: "INTEGER", nullable: false),
                    tier = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    overrides_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_policies", x => new { x.model_name, x.revision });
                });

            migrationBuilder.CreateTable(
                name: "promotion_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    model_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    target_alias = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    target_stage = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    archive_existing = table.Column<bool>(type: "INTEGER", nullable: false),
                    justification = table.Column<string>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    requested_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    closed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    closed_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    policy_revision = table.Column<int>(type: "INTEGER", nullable: false),
                    policy_json = table.Column<string>(type: "TEXT", nullable: false),
                    champion_version = table.Column<int>(type: "INTEGER", nullable: true),
                    previous_version = table.Column<int>(type: "INTEGER", nullable: true),
                    evidence_json = table.Column<string>(type: "TEXT", nullable: false),
                    gates_passed = table.Column<bool>(type: "INTEGER", nullable: false),
                    failed_checks = table.Column<string>(type: "TEXT", nullable: false),
                    card_sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_promotion_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promotion_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    decision = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    comment = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_promotion_decisions", x => x.id);
                    table.ForeignKey(
                        name: "FK_promotion_decisions_promotion_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "promotion_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_promotion_decisions_request_id",
                table: "promotion_decisions",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "IX_promotion_requests_model_name_state",
                table: "promotion_requests",
                columns: new[] { "model_name", "state" });

            migrationBuilder.CreateIndex(
                name: "IX_promotion_requests_state_expires_at",
                table: "promotion_requests",
                columns: new[] { "state", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "governance_policies");

            migrationBuilder.DropTable(
                name: "promotion_decisions");

            migrationBuilder.DropTable(
                name: "promotion_requests");
        }
    }
}
