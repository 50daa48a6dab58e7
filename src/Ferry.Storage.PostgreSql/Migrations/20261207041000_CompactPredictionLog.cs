using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CompactPredictionLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions");

            migrationBuilder.RenameColumn(
                name: "shadow_outputs_json",
                table: "predictions",
                newName: "shadow_outputs");

            migrationBuilder.RenameColumn(
                name: "outputs_json",
                table: "predictions",
                newName: "outputs");

            migrationBuilder.RenameColumn(
                name: "inputs_json",
                table: "predictions",
                newName: "inputs");

            // Existing rows keep their JSON as raw UTF-8 (PayloadCodec reads a blob that starts with a printable byte as
            // JSON text); rows written from now on are typed where they can be.
            migrationBuilder.Sql("""
                ALTER TABLE predictions
                    ALTER COLUMN inputs TYPE bytea USING convert_to(inputs, 'UTF8'),
                    ALTER COLUMN outputs TYPE bytea USING convert_to(outputs, 'UTF8'),
                    ALTER COLUMN shadow_outputs TYPE bytea USING convert_to(shadow_outputs, 'UTF8');
                """);

            migrationBuilder.CreateTable(
                name: "prediction_schemas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    structure = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_schemas", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions",
                column: "subject_hash",
                filter: "subject_hash IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prediction_schemas");

            migrationBuilder.DropIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions");

            migrationBuilder.RenameColumn(
                name: "shadow_outputs",
                table: "predictions",
                newName: "shadow_outputs_json");

            migrationBuilder.RenameColumn(
                name: "outputs",
                table: "predictions",
                newName: "outputs_json");

            migrationBuilder.RenameColumn(
                name: "inputs",
                table: "predictions",
                newName: "inputs_json");

            // Only raw rows convert back: a typed row (first byte 1) needs PayloadCodec to become text again.
            migrationBuilder.Sql("""
                ALTER TABLE predictions
                    ALTER COLUMN inputs_json TYPE text USING convert_from(inputs_json, 'UTF8'),
                    ALTER COLUMN outputs_json TYPE text USING convert_from(outputs_json, 'UTF8'),
                    ALTER COLUMN shadow_outputs_json TYPE text USING convert_from(shadow_outputs_json, 'UTF8');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions",
                column: "subject_hash");
        }
    }
}
