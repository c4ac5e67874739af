using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Spanners.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class PauseHandover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "HandoverReason",
                table: "spanner_assignments",
                type: "nvarchar(24)",
                maxLength: 24,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HandoverReason",
                table: "spanner_assignments");
        }
    }
}
