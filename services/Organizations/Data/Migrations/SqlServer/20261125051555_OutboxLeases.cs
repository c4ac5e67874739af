using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Organizations.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class OutboxLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_outbox",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_PublishedAt_NextAttemptAt",
                table: "outbox");

            migrationBuilder.AddColumn<long>(
                name: "Position",
                table: "outbox",
                type: "bigint",
                nullable: false,
                defaultValue: 0L)
                .Annotation("SqlServer:Identity", "1, 1");

            migrationBuilder.AddColumn<string>(
                name: "Aggregate",
                table: "outbox",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeadLetteredAt",
                table: "outbox",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeaseExpiresAt",
                table: "outbox",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "outbox",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "PK_outbox",
                table: "outbox",
                column: "Position");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_Id",
                table: "outbox",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position",
                table: "outbox",
                columns: new[] { "PublishedAt", "DeadLetteredAt", "Aggregate", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_PublishedAt_DeadLetteredAt_Position",
                table: "outbox",
                columns: new[] { "PublishedAt", "DeadLetteredAt", "Position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_outbox",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_Id",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_PublishedAt_DeadLetteredAt_Position",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Position",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Aggregate",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "DeadLetteredAt",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "LeaseExpiresAt",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "outbox");

            migrationBuilder.AddPrimaryKey(
                name: "PK_outbox",
                table: "outbox",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_PublishedAt_NextAttemptAt",
                table: "outbox",
                columns: new[] { "PublishedAt", "NextAttemptAt" });
        }
    }
}
