using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NetworkView : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "known_organizations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "emergency_accesses",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    MemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ExpireAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_emergency_accesses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "known_members",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Profession = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_known_members", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_views",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ServiceUserId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ChainId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PreviousReferralId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NeedId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    FromOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ToServiceId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ToOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    DeclineReason = table.Column<int>(type: "integer", nullable: false),
                    FailureReason = table.Column<int>(type: "integer", nullable: false),
                    Outcome = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StatusAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_views", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "timeline",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Summary = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    NeedId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    LifeDomain = table.Column<int>(type: "integer", nullable: true),
                    ReferralId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_timeline", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_emergency_accesses_OrganizationId",
                table: "emergency_accesses",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_emergency_accesses_ServiceUserId_MemberId",
                table: "emergency_accesses",
                columns: new[] { "ServiceUserId", "MemberId" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_views_ServiceUserId",
                table: "referral_views",
                column: "ServiceUserId");

            migrationBuilder.CreateIndex(
                name: "IX_timeline_ServiceUserId_At",
                table: "timeline",
                columns: new[] { "ServiceUserId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "emergency_accesses");

            migrationBuilder.DropTable(
                name: "known_members");

            migrationBuilder.DropTable(
                name: "referral_views");

            migrationBuilder.DropTable(
                name: "timeline");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "known_organizations");
        }
    }
}
