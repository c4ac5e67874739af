using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Spanners.Data.Migrations.Sqlite
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
                type: "TEXT",
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
