using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Referrals.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditTrailOneIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_trail_SubjectType_SubjectId",
                table: "audit_trail");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_SubjectType_SubjectId",
                table: "audit_trail",
                columns: new[] { "SubjectType", "SubjectId" });
        }
    }
}
