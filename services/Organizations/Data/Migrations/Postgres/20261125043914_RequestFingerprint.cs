using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Organizations.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequestFingerprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "Fingerprint",
                table: "processed_requests",
                type: "bytea",
                maxLength: 32,
                nullable: false,
                defaultValue: new byte[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Fingerprint",
                table: "processed_requests");
        }
    }
}
