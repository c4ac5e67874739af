using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralNet.Spanners.Data.Migrations.SqlServer
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

            migrationBuilder.CreateTable(
                name: "audit_trail",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    MemberId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    SubjectType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ServiceUserId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Basis = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    TraceId = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    KeyId = table.Column<string>(type: "nvarchar(12)", maxLength: 12, nullable: false),
                    PreviousMac = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Mac = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_trail", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "burden_check_ins",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    SpannerId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    Score = table.Column<int>(type: "int", nullable: false),
                    Note = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Flagged = table.Column<bool>(type: "bit", nullable: false),
                    RaisedFlag = table.Column<bool>(type: "bit", nullable: false),
                    RecordedByMemberId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_burden_check_ins", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "continuity_contact_spells",
                columns: table => new
                {
                    AssignmentId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ServiceUserId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SpannerId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    StartAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    EndAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    HandoverSince = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_continuity_contact_spells", x => x.AssignmentId);
                });

            migrationBuilder.CreateTable(
                name: "continuity_professional_departures",
                columns: table => new
                {
                    InvolvementId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ServiceUserId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_continuity_professional_departures", x => x.InvolvementId);
                });

            migrationBuilder.CreateTable(
                name: "continuity_residents",
                columns: table => new
                {
                    ServiceUserId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Neighbourhood = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_continuity_residents", x => x.ServiceUserId);
                });

            migrationBuilder.CreateTable(
                name: "data_version",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    Stamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_version", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbox",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Handler = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    EventType = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    HandledAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox", x => new { x.EventId, x.Handler });
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    Position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    EventType = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Aggregate = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Payload = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    DeadLetteredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LeaseOwner = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "processed_requests",
                columns: table => new
                {
                    Method = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    RequestId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Fingerprint = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    Response = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_requests", x => new { x.Method, x.OrganizationId, x.RequestId });
                });

            migrationBuilder.CreateTable(
                name: "spanner_assignments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    SpannerId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    SpannerOrganizationId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    ServiceUserId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    NeedId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    CaseId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    ConstantContact = table.Column<bool>(type: "bit", nullable: false),
                    Note = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    AssignedByMemberId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    AssignedByOrganizationId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    ProposedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SpannerAgreedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    ServiceUserAgreedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    StartAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    EndAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    EndReason = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: true),
                    EndNote = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    PreviousAssignmentId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    HandoverNote = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    OpenSlot = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    HandoverAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_spanner_assignments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "spanners",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    DisplayName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    MemberId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    Phone = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Languages = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Neighbourhoods = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    LifeDomains = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    MaxServiceUsers = table.Column<int>(type: "int", nullable: false),
                    HoursPerWeek = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    BackupSpannerId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    ConductCertificateDate = table.Column<DateOnly>(type: "date", nullable: true),
                    LatestBurdenScore = table.Column<int>(type: "int", nullable: false),
                    BurdenFlagged = table.Column<bool>(type: "bit", nullable: false),
                    LastCheckInAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    StoppedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    StopReason = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_spanners", x => x.Id);
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
                name: "IX_burden_check_ins_SpannerId_Id",
                table: "burden_check_ins",
                columns: new[] { "SpannerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_continuity_contact_spells_ServiceUserId",
                table: "continuity_contact_spells",
                column: "ServiceUserId");

            migrationBuilder.CreateIndex(
                name: "IX_continuity_professional_departures_ServiceUserId_At",
                table: "continuity_professional_departures",
                columns: new[] { "ServiceUserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_continuity_residents_Neighbourhood",
                table: "continuity_residents",
                column: "Neighbourhood");

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

            migrationBuilder.CreateIndex(
                name: "IX_spanner_assignments_PreviousAssignmentId",
                table: "spanner_assignments",
                column: "PreviousAssignmentId");

            migrationBuilder.CreateIndex(
                name: "IX_spanner_assignments_ServiceUserId_OpenSlot",
                table: "spanner_assignments",
                columns: new[] { "ServiceUserId", "OpenSlot" },
                unique: true,
                filter: "[OpenSlot] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_spanner_assignments_SpannerId_Status",
                table: "spanner_assignments",
                columns: new[] { "SpannerId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_spanners_OrganizationId_Id",
                table: "spanners",
                columns: new[] { "OrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_spanners_Status_Id",
                table: "spanners",
                columns: new[] { "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropTable(
                name: "audit_trail");

            migrationBuilder.DropTable(
                name: "burden_check_ins");

            migrationBuilder.DropTable(
                name: "continuity_contact_spells");

            migrationBuilder.DropTable(
                name: "continuity_professional_departures");

            migrationBuilder.DropTable(
                name: "continuity_residents");

            migrationBuilder.DropTable(
                name: "data_version");

            migrationBuilder.DropTable(
                name: "inbox");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "processed_requests");

            migrationBuilder.DropTable(
                name: "spanner_assignments");

            migrationBuilder.DropTable(
                name: "spanners");
        }
    }
}
