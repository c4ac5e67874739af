using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SpannerSuccession : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SpannerStoppedAt",
                table: "involvements",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_involvements_SpannerId_EndAt",
                table: "involvements",
                columns: new[] { "SpannerId", "EndAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_involvements_SpannerId_EndAt",
                table: "involvements");

            migrationBuilder.DropColumn(
                name: "SpannerStoppedAt",
                table: "involvements");
        }
    }
}
