using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ferry.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// PostgreSQL only (no model change): the prediction log partitioned by UTC day on <c>timestamp</c>, with a DEFAULT
    /// partition; written against the catalog, so it keeps whatever columns and indexes the table has by then.
    /// </summary>
    public partial class PredictionPartitions : Migration
    {
        /// <summary>Day partitions the migration creates past today (the maintenance pass keeps them ahead afterwards).</summary>
        public const int DaysAhead = 7;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(PredictionPartitionSchema.PartitionScript(DaysAhead));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(PredictionPartitionSchema.UnpartitionScript);
        }
    }
}
