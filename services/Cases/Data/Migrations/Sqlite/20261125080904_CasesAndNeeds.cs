using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CasesAndNeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    HouseholdServiceUserIds = table.Column<string>(type: "TEXT", nullable: false),
                    CoordinatorMemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    CoordinatorOrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    CoordinatorEndsAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CoordinatorVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    Plan = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CloseReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    HandoverNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "needs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    LifeDomain = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DomainBit = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Dimensions = table.Column<string>(type: "TEXT", nullable: false),
                    StatusNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AtRisk = table.Column<bool>(type: "INTEGER", nullable: false),
                    AtRiskReasons = table.Column<string>(type: "TEXT", nullable: false),
                    AtRiskAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RecordedByMemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    RecordedByOrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    RiskFoundAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_needs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "goals",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    CaseId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    LifeDomain = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetDate = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_goals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_goals_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_CoordinatorMemberId_Status",
                table: "cases",
                columns: new[] { "CoordinatorMemberId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_ServiceUserId_Status",
                table: "cases",
                columns: new[] { "ServiceUserId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_goals_CaseId",
                table: "goals",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_needs_ServiceUserId_LifeDomain",
                table: "needs",
                columns: new[] { "ServiceUserId", "LifeDomain" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "goals");

            migrationBuilder.DropTable(
                name: "needs");

            migrationBuilder.DropTable(
                name: "cases");
        }
    }
}
