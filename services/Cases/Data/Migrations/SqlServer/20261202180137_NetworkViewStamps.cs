using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class NetworkViewStamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "network_view_stamps",
                columns: table => new
                {
                    ServiceUserId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    Stamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_network_view_stamps", x => x.ServiceUserId);
                });

            // Every service user known so far gets its first stamp; later ones get theirs when they are registered.
            migrationBuilder.Sql("""INSERT INTO [network_view_stamps] ([ServiceUserId], [Stamp]) SELECT [Id], CAST('00000000-0000-0000-0000-000000000000' AS uniqueidentifier) FROM [service_users];""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "network_view_stamps");
        }
    }
}
