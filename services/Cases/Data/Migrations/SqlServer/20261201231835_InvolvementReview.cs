using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.SqlServer
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
                type: "nvarchar(500)",
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
