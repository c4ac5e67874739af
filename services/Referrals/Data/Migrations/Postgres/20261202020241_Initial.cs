using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ReferralNet.Referrals.Data.Migrations.Postgres
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
                    HeadMac = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TakenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Signature = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
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
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MemberId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ServiceUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Basis = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TraceId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    KeyId = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    PreviousMac = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Mac = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_trail", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "chains",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    NeedId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    OpenNeedId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    ServiceUserId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    LifeDomain = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    StartedByMemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    StartedByOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    CaseId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    CoordinatorMemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    CoordinatorOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    CoordinationVersion = table.Column<long>(type: "bigint", nullable: false),
                    UnhelpedSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    NoAcceptanceDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Reasons = table.Column<int>(type: "integer", nullable: false),
                    RiskVersion = table.Column<long>(type: "bigint", nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chains", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "data_version",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Stamp = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_version", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbox",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    Handler = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    EventType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    HandledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox", x => new { x.EventId, x.Handler });
                });

            migrationBuilder.CreateTable(
                name: "inbox_changes",
                columns: table => new
                {
                    Position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ObjectId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_changes", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "known_services",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DomainMask = table.Column<int>(type: "integer", nullable: false),
                    MinAge = table.Column<int>(type: "integer", nullable: true),
                    MaxAge = table.Column<int>(type: "integer", nullable: true),
                    Neighbourhoods = table.Column<string[]>(type: "text[]", nullable: false),
                    OpenPlaces = table.Column<int>(type: "integer", nullable: false),
                    TypicalWaitDays = table.Column<int>(type: "integer", nullable: false),
                    AcknowledgementDeadline = table.Column<TimeSpan>(type: "interval", nullable: false),
                    ActiveStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ActiveEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Ended = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_known_services", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    Position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EventType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Aggregate = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeadLetteredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "processed_requests",
                columns: table => new
                {
                    Method = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Fingerprint = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    Response = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_requests", x => new { x.Method, x.OrganizationId, x.RequestId });
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ChainId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    PreviousReferralId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    RedirectedByOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    ServiceUserId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    NeedId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    LifeDomain = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ConsentId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    CaseId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    FromOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    FromMemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ToServiceId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ToOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Priority = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestedStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RequestedEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AcknowledgementDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HandlerMemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    DeclineReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RedirectReferralId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    FailureReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    HoldReason = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    ExpectedResumeAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PreviousStatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referrals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_steps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReferralId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    From = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    To = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ActorMemberId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ActorOrganizationId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_referral_steps_referrals_ReferralId",
                        column: x => x.ReferralId,
                        principalTable: "referrals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
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
                name: "IX_chains_CoordinatorMemberId_Reasons",
                table: "chains",
                columns: new[] { "CoordinatorMemberId", "Reasons" });

            migrationBuilder.CreateIndex(
                name: "IX_chains_NeedId",
                table: "chains",
                column: "NeedId");

            migrationBuilder.CreateIndex(
                name: "IX_chains_NoAcceptanceDueAt",
                table: "chains",
                column: "NoAcceptanceDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_chains_OpenNeedId",
                table: "chains",
                column: "OpenNeedId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_chains_ServiceUserId",
                table: "chains",
                column: "ServiceUserId");

            migrationBuilder.CreateIndex(
                name: "IX_chains_StartedByMemberId_Reasons",
                table: "chains",
                columns: new[] { "StartedByMemberId", "Reasons" });

            migrationBuilder.CreateIndex(
                name: "IX_inbox_HandledAt",
                table: "inbox",
                column: "HandledAt");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_changes_At",
                table: "inbox_changes",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_changes_OrganizationId_Position",
                table: "inbox_changes",
                columns: new[] { "OrganizationId", "Position" });

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
                name: "IX_referral_steps_ReferralId_Sequence",
                table: "referral_steps",
                columns: new[] { "ReferralId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_referrals_ChainId",
                table: "referrals",
                column: "ChainId");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_ConsentId",
                table: "referrals",
                column: "ConsentId");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_FromOrganizationId_Id",
                table: "referrals",
                columns: new[] { "FromOrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_NeedId_ToServiceId",
                table: "referrals",
                columns: new[] { "NeedId", "ToServiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_Status_AcknowledgementDueAt",
                table: "referrals",
                columns: new[] { "Status", "AcknowledgementDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_ToOrganizationId_Id",
                table: "referrals",
                columns: new[] { "ToOrganizationId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropTable(
                name: "audit_trail");

            migrationBuilder.DropTable(
                name: "chains");

            migrationBuilder.DropTable(
                name: "data_version");

            migrationBuilder.DropTable(
                name: "inbox");

            migrationBuilder.DropTable(
                name: "inbox_changes");

            migrationBuilder.DropTable(
                name: "known_services");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "processed_requests");

            migrationBuilder.DropTable(
                name: "referral_steps");

            migrationBuilder.DropTable(
                name: "referrals");
        }
    }
}
