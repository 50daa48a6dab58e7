using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class RegistryWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "registry_webhook_attempts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    delivery_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_webhook_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "registry_webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    webhook_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    event_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    last_attempt_at = table.Column<long>(type: "bigint", nullable: true),
                    response_status = table.Column<int>(type: "integer", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_webhook_deliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "registry_webhooks",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    description = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    events = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    api = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    protected_secret = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    creation_timestamp = table.Column<long>(type: "bigint", nullable: false),
                    last_updated_timestamp = table.Column<long>(type: "bigint", nullable: false),
                    deleted_timestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_webhooks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_registry_webhook_attempts_delivery_id_attempt",
                table: "registry_webhook_attempts",
                columns: new[] { "delivery_id", "attempt" });

            migrationBuilder.CreateIndex(
                name: "IX_registry_webhook_deliveries_status_next_attempt_at",
                table: "registry_webhook_deliveries",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_registry_webhook_deliveries_webhook_id_created_at",
                table: "registry_webhook_deliveries",
                columns: new[] { "webhook_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_registry_webhooks_creation_timestamp",
                table: "registry_webhooks",
                column: "creation_timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_webhook_attempts");

            migrationBuilder.DropTable(
                name: "registry_webhook_deliveries");

            migrationBuilder.DropTable(
                name: "registry_webhooks");
        }
    }
}
