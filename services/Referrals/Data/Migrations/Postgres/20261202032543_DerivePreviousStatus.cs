using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Referrals.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DerivePreviousStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PreviousStatus",
                table: "referrals");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreviousStatus",
                table: "referrals",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }
    }
}
