using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Referrals.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SpannerProposals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ProposalVersion",
                table: "chains",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // EF Core 10.0.12 scaffolds "{}" as the default of a JSON collection column; existing chains need an empty list.
            migrationBuilder.AddColumn<string>(
                name: "ProposedSpanners",
                table: "chains",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProposalVersion",
                table: "chains");

            migrationBuilder.DropColumn(
                name: "ProposedSpanners",
                table: "chains");
        }
    }
}
