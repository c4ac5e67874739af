using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SpannerSuccession : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SpannerStoppedAt",
                table: "involvements",
                type: "timestamp with time zone",
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
