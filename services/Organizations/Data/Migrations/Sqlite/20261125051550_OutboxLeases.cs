using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Organizations.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite cannot change a primary key, so the table is rebuilt. EF's own rebuild turns foreign keys off with
            // a PRAGMA that cannot run in a transaction, which splits the migration: a process killed in between would
            // leave it half applied. The outbox has no foreign keys, so the rebuild runs here in the migration's one
            // transaction; existing rows get positions in the order they occurred.
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_outbox" (
                    "Position" INTEGER NOT NULL CONSTRAINT "PK_outbox" PRIMARY KEY AUTOINCREMENT,
                    "Aggregate" TEXT NOT NULL,
                    "Attempts" INTEGER NOT NULL,
                    "DeadLetteredAt" INTEGER NULL,
                    "EventType" TEXT NOT NULL,
                    "Id" TEXT NOT NULL,
                    "LastError" TEXT NULL,
                    "LeaseExpiresAt" INTEGER NULL,
                    "LeaseOwner" TEXT NULL,
                    "NextAttemptAt" INTEGER NOT NULL,
                    "OccurredAt" INTEGER NOT NULL,
                    "Payload" BLOB NOT NULL,
                    "PublishedAt" INTEGER NULL
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_outbox" ("Aggregate", "Attempts", "EventType", "Id", "LastError", "NextAttemptAt", "OccurredAt", "Payload", "PublishedAt")
                SELECT '', "Attempts", "EventType", "Id", "LastError", "NextAttemptAt", "OccurredAt", "Payload", "PublishedAt"
                FROM "outbox" ORDER BY "OccurredAt", rowid;
                """);
            migrationBuilder.Sql("""DROP TABLE "outbox";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_outbox" RENAME TO "outbox";""");
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
