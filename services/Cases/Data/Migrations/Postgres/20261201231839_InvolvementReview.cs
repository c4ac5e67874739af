using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InvolvementReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReviewReason",
                table: "involvements",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReviewReason",
                table: "involvements");
        }
    }
}
