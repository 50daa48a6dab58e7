using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// PostgreSQL only (no model change): the tables of Quartz's clustered ADO.NET job store, created by Quartz's own
    /// PostgreSQL script for the Quartz version Ferry uses, under the <c>qrtz_</c> prefix.
    /// </summary>
    public partial class ClusterScheduling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(QuartzSchema.CreateScript());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(QuartzSchema.DropScript());
        }
    }
}
