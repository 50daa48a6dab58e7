using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
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
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    tier = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    overrides_json = table.Column<string>(type: "text", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_policies", x => new { x.model_name, x.revision });
                });

            migrationBuilder.CreateTable(
                name: "promotion_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    target_alias = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    target_stage = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    archive_existing = table.Column<bool>(type: "boolean", nullable: false),
                    justification = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    requested_at = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    closed_at = table.Column<long>(type: "bigint", nullable: true),
                    closed_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    policy_revision = table.Column<int>(type: "integer", nullable: false),
                    policy_json = table.Column<string>(type: "text", nullable: false),
                    champion_version = table.Column<int>(type: "integer", nullable: true),
                    previous_version = table.Column<int>(type: "integer", nullable: true),
                    evidence_json = table.Column<string>(type: "text", nullable: false),
                    gates_passed = table.Column<bool>(type: "boolean", nullable: false),
                    failed_checks = table.Column<string>(type: "text", nullable: false),
                    card_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_promotion_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promotion_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    decision = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
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
