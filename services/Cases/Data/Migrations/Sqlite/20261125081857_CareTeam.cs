using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CareTeam : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Neighbourhoods",
                table: "known_organizations",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "involvements",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    SpannerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SpannerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    NeedId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    CaseId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    ReferralId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AssignmentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StartAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    HandedOverFromId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    HandoverNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    MemberEndsAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MemberVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_involvements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "source_states",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Ended = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_source_states", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_involvements_AssignmentId",
                table: "involvements",
                column: "AssignmentId");

            migrationBuilder.CreateIndex(
                name: "IX_involvements_CaseId",
                table: "involvements",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_involvements_MemberId_EndAt",
                table: "involvements",
                columns: new[] { "MemberId", "EndAt" });

            migrationBuilder.CreateIndex(
                name: "IX_involvements_ReferralId",
                table: "involvements",
                column: "ReferralId");

            migrationBuilder.CreateIndex(
                name: "IX_involvements_ServiceUserId_EndAt",
                table: "involvements",
                columns: new[] { "ServiceUserId", "EndAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "involvements");

            migrationBuilder.DropTable(
                name: "source_states");

            migrationBuilder.DropColumn(
                name: "Neighbourhoods",
                table: "known_organizations");
        }
    }
}
