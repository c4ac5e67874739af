using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Cases.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadMac = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TakenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_checkpoints", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_trail",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Basis = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    PreviousMac = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Mac = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_trail", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "bsn_hashes",
                columns: table => new
                {
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bsn_hashes", x => new { x.ServiceUserId, x.KeyId, x.Hash });
                });

            migrationBuilder.CreateTable(
                name: "consents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    OrganizationKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DomainMask = table.Column<int>(type: "INTEGER", nullable: false),
                    StartAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ByRepresentative = table.Column<bool>(type: "INTEGER", nullable: false),
                    EvidenceReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordedByMemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    RecordedByOrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokeReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RevokedByMemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RevocationGround = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "data_version",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Stamp = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_version", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "duplicate_dismissals",
                columns: table => new
                {
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    DuplicateServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    DismissedByMemberId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    DismissedByOrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    DismissedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_duplicate_dismissals", x => new { x.ServiceUserId, x.DuplicateServiceUserId });
                });

            migrationBuilder.CreateTable(
                name: "household_links",
                columns: table => new
                {
                    ServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    OtherServiceUserId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Relation = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_household_links", x => new { x.ServiceUserId, x.OtherServiceUserId });
                });

            migrationBuilder.CreateTable(
                name: "inbox",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Handler = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    HandledAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox", x => new { x.EventId, x.Handler });
                });

            migrationBuilder.CreateTable(
                name: "known_organizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_known_organizations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    Position = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Aggregate = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeadLetteredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "processed_requests",
                columns: table => new
                {
                    Method = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Fingerprint = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Response = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_requests", x => new { x.Method, x.OrganizationId, x.RequestId });
                });

            migrationBuilder.CreateTable(
                name: "service_users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    GivenName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FamilyName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DateOfBirth = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Neighbourhood = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Languages = table.Column<string>(type: "TEXT", nullable: false),
                    InterpreterNeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasBsn = table.Column<bool>(type: "INTEGER", nullable: false),
                    RegisteredByOrganizationId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    MergedIntoId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_users", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "data_version",
                columns: new[] { "Id", "Stamp" },
                values: new object[] { 1, new Guid("00000000-0000-0000-0000-000000000000") });

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_ServiceUserId_OccurredAt",
                table: "audit_trail",
                columns: new[] { "ServiceUserId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_SubjectType_SubjectId",
                table: "audit_trail",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_bsn_hashes_Hash",
                table: "bsn_hashes",
                column: "Hash");

            migrationBuilder.CreateIndex(
                name: "IX_consents_ServiceUserId_OrganizationId",
                table: "consents",
                columns: new[] { "ServiceUserId", "OrganizationId" });

            migrationBuilder.CreateIndex(
                name: "IX_consents_ServiceUserId_OrganizationKind",
                table: "consents",
                columns: new[] { "ServiceUserId", "OrganizationKind" });

            migrationBuilder.CreateIndex(
                name: "IX_household_links_OtherServiceUserId",
                table: "household_links",
                column: "OtherServiceUserId");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_HandledAt",
                table: "inbox",
                column: "HandledAt");

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

            migrationBuilder.CreateIndex(
                name: "IX_processed_requests_CreatedAt",
                table: "processed_requests",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropTable(
                name: "audit_trail");

            migrationBuilder.DropTable(
                name: "bsn_hashes");

            migrationBuilder.DropTable(
                name: "consents");

            migrationBuilder.DropTable(
                name: "data_version");

            migrationBuilder.DropTable(
                name: "duplicate_dismissals");

            migrationBuilder.DropTable(
                name: "household_links");

            migrationBuilder.DropTable(
                name: "inbox");

            migrationBuilder.DropTable(
                name: "known_organizations");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "processed_requests");

            migrationBuilder.DropTable(
                name: "service_users");
        }
    }
}
