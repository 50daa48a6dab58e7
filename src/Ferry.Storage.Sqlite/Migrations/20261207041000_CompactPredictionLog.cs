using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.Sqlite.Migrations
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

            migrationBuilder.AlterColumn<byte[]>(
                name: "shadow_outputs",
                table: "predictions",
                type: "BLOB",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.AlterColumn<byte[]>(
                name: "outputs",
                table: "predictions",
                type: "BLOB",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.AlterColumn<byte[]>(
                name: "inputs",
                table: "predictions",
                type: "BLOB",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.CreateTable(
                name: "prediction_schemas",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false),
                    structure = table.Column<string>(type: "TEXT", nullable: false)
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

            // The table rebuild copies the JSON as TEXT values; store them as raw UTF-8 blobs (PayloadCodec reads a
            // blob that starts with a printable byte as JSON text). Rows written from now on are typed where they can be.
            migrationBuilder.Sql("""
                UPDATE predictions SET inputs = CAST(inputs AS BLOB), outputs = CAST(outputs AS BLOB),
                    shadow_outputs = CAST(shadow_outputs AS BLOB)
                WHERE typeof(inputs) = 'text' OR typeof(outputs) = 'text' OR typeof(shadow_outputs) = 'text';
                """);
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

            migrationBuilder.AlterColumn<string>(
                name: "shadow_outputs_json",
                table: "predictions",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "BLOB",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "outputs_json",
                table: "predictions",
                type: "TEXT",
                nullable: false,
                oldClrType: typeof(byte[]),
                oldType: "BLOB");

            migrationBuilder.AlterColumn<string>(
                name: "inputs_json",
                table: "predictions",
                type: "TEXT",
                nullable: false,
                oldClrType: typeof(byte[]),
                oldType: "BLOB");

            migrationBuilder.CreateIndex(
                name: "IX_predictions_subject_hash",
                table: "predictions",
                column: "subject_hash");
        }
    }
}
