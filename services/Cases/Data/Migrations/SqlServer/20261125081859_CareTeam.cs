using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.SqlServer
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
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "involvements",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    MemberId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    SpannerId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    SpannerName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Role = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    NeedId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    CaseId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    ReferralId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    AssignmentId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    StartAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    EndAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    EndReason = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: true),
                    HandedOverFromId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    HandoverNote = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    MemberEndsAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    MemberVersion = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_involvements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "source_states",
                columns: table => new
                {
                    Key = table.Column<string>(type: "nvarchar(80)", maxLength: 80, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Ended = table.Column<bool>(type: "bit", nullable: false)
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
