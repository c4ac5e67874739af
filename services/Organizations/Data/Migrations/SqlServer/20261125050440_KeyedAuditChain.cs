using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Organizations.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class KeyedAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "PreviousHash",
                table: "audit_trail",
                newName: "PreviousMac");

            migrationBuilder.RenameColumn(
                name: "Hash",
                table: "audit_trail",
                newName: "Mac");

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "audit_trail",
                type: "nvarchar(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    HeadMac = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    TakenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    KeyId = table.Column<string>(type: "nvarchar(12)", maxLength: 12, nullable: false),
                    Signature = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_checkpoints", x => x.Sequence);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "audit_trail");

            migrationBuilder.RenameColumn(
                name: "PreviousMac",
                table: "audit_trail",
                newName: "PreviousHash");

            migrationBuilder.RenameColumn(
                name: "Mac",
                table: "audit_trail",
                newName: "Hash");
        }
    }
}
