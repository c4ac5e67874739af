IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [audit_checkpoints] (
        [Sequence] bigint NOT NULL,
        [HeadMac] nvarchar(64) NOT NULL,
        [TakenAt] datetimeoffset NOT NULL,
        [KeyId] nvarchar(12) NOT NULL,
        [Signature] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_audit_checkpoints] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [audit_trail] (
        [Sequence] bigint NOT NULL,
        [OccurredAt] datetimeoffset NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [OrganizationId] nvarchar(64) NOT NULL,
        [Role] nvarchar(32) NOT NULL,
        [Action] nvarchar(200) NOT NULL,
        [Kind] int NOT NULL,
        [SubjectType] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(64) NULL,
        [ServiceUserId] nvarchar(64) NULL,
        [Purpose] nvarchar(64) NOT NULL,
        [Basis] nvarchar(128) NOT NULL,
        [Outcome] nvarchar(32) NOT NULL,
        [TraceId] nvarchar(32) NULL,
        [KeyId] nvarchar(12) NOT NULL,
        [PreviousMac] nvarchar(64) NOT NULL,
        [Mac] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_audit_trail] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [chains] (
        [Id] nvarchar(36) NOT NULL,
        [NeedId] nvarchar(36) NOT NULL,
        [OpenNeedId] nvarchar(36) NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [LifeDomain] nvarchar(24) NOT NULL,
        [StartedByMemberId] nvarchar(36) NOT NULL,
        [StartedByOrganizationId] nvarchar(36) NOT NULL,
        [CaseId] nvarchar(36) NULL,
        [CoordinatorMemberId] nvarchar(36) NULL,
        [CoordinatorOrganizationId] nvarchar(36) NULL,
        [CoordinationVersion] bigint NOT NULL,
        [UnhelpedSince] datetimeoffset NULL,
        [NoAcceptanceDueAt] datetimeoffset NULL,
        [Reasons] int NOT NULL,
        [RiskVersion] bigint NOT NULL,
        [DetectedAt] datetimeoffset NULL,
        [ClosedAt] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_chains] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [data_version] (
        [Id] int NOT NULL,
        [Stamp] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_data_version] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [inbox] (
        [EventId] uniqueidentifier NOT NULL,
        [Handler] nvarchar(200) NOT NULL,
        [EventType] nvarchar(200) NOT NULL,
        [HandledAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_inbox] PRIMARY KEY ([EventId], [Handler])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [inbox_changes] (
        [Position] bigint NOT NULL IDENTITY,
        [OrganizationId] nvarchar(36) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [ObjectId] nvarchar(36) NOT NULL,
        [At] datetimeoffset NOT NULL,
        CONSTRAINT [PK_inbox_changes] PRIMARY KEY ([Position])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [known_services] (
        [Id] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [DomainMask] int NOT NULL,
        [MinAge] int NULL,
        [MaxAge] int NULL,
        [Neighbourhoods] nvarchar(max) NOT NULL,
        [OpenPlaces] int NOT NULL,
        [TypicalWaitDays] int NOT NULL,
        [AcknowledgementDeadline] time NOT NULL,
        [ActiveStart] datetimeoffset NULL,
        [ActiveEnd] datetimeoffset NULL,
        [Ended] bit NOT NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_known_services] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [outbox] (
        [Position] bigint NOT NULL IDENTITY,
        [Id] uniqueidentifier NOT NULL,
        [EventType] nvarchar(200) NOT NULL,
        [Aggregate] nvarchar(200) NOT NULL,
        [Payload] varbinary(max) NOT NULL,
        [OccurredAt] datetimeoffset NOT NULL,
        [PublishedAt] datetimeoffset NULL,
        [DeadLetteredAt] datetimeoffset NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetimeoffset NOT NULL,
        [LeaseOwner] nvarchar(200) NULL,
        [LeaseExpiresAt] datetimeoffset NULL,
        [LastError] nvarchar(1000) NULL,
        CONSTRAINT [PK_outbox] PRIMARY KEY ([Position])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [processed_requests] (
        [Method] nvarchar(200) NOT NULL,
        [OrganizationId] nvarchar(64) NOT NULL,
        [RequestId] nvarchar(128) NOT NULL,
        [Fingerprint] varbinary(32) NOT NULL,
        [Response] varbinary(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_processed_requests] PRIMARY KEY ([Method], [OrganizationId], [RequestId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [referrals] (
        [Id] nvarchar(36) NOT NULL,
        [ChainId] nvarchar(36) NOT NULL,
        [PreviousReferralId] nvarchar(36) NULL,
        [RedirectedByOrganizationId] nvarchar(36) NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [NeedId] nvarchar(36) NOT NULL,
        [LifeDomain] nvarchar(24) NOT NULL,
        [ConsentId] nvarchar(36) NOT NULL,
        [CaseId] nvarchar(36) NULL,
        [FromOrganizationId] nvarchar(36) NOT NULL,
        [FromMemberId] nvarchar(36) NOT NULL,
        [ToServiceId] nvarchar(36) NOT NULL,
        [ToOrganizationId] nvarchar(36) NOT NULL,
        [Note] nvarchar(2000) NOT NULL,
        [Priority] nvarchar(16) NOT NULL,
        [RequestedStart] datetimeoffset NULL,
        [RequestedEnd] datetimeoffset NULL,
        [Status] nvarchar(16) NOT NULL,
        [AcknowledgementDueAt] datetimeoffset NOT NULL,
        [HandlerMemberId] nvarchar(36) NULL,
        [DeclineReason] nvarchar(32) NULL,
        [RedirectReferralId] nvarchar(36) NULL,
        [FailureReason] nvarchar(32) NULL,
        [Outcome] nvarchar(24) NULL,
        [HoldReason] nvarchar(24) NULL,
        [ExpectedResumeAt] datetimeoffset NULL,
        [PreviousStatus] nvarchar(16) NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_referrals] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE TABLE [referral_steps] (
        [Id] uniqueidentifier NOT NULL,
        [ReferralId] nvarchar(36) NOT NULL,
        [Sequence] int NOT NULL,
        [From] nvarchar(16) NULL,
        [To] nvarchar(16) NOT NULL,
        [ActorMemberId] nvarchar(36) NOT NULL,
        [ActorOrganizationId] nvarchar(36) NOT NULL,
        [Note] nvarchar(2000) NOT NULL,
        [At] datetimeoffset NOT NULL,
        CONSTRAINT [PK_referral_steps] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_referral_steps_referrals_ReferralId] FOREIGN KEY ([ReferralId]) REFERENCES [referrals] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'Stamp') AND [object_id] = OBJECT_ID(N'[data_version]'))
        SET IDENTITY_INSERT [data_version] ON;
    EXEC(N'INSERT INTO [data_version] ([Id], [Stamp])
    VALUES (1, ''00000000-0000-0000-0000-000000000000'')');
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'Stamp') AND [object_id] = OBJECT_ID(N'[data_version]'))
        SET IDENTITY_INSERT [data_version] OFF;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_ServiceUserId_OccurredAt] ON [audit_trail] ([ServiceUserId], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail] ([SubjectType], [SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_chains_CoordinatorMemberId_Reasons] ON [chains] ([CoordinatorMemberId], [Reasons]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_chains_NeedId] ON [chains] ([NeedId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_chains_NoAcceptanceDueAt] ON [chains] ([NoAcceptanceDueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_chains_OpenNeedId] ON [chains] ([OpenNeedId]) WHERE [OpenNeedId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_chains_ServiceUserId] ON [chains] ([ServiceUserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_chains_StartedByMemberId_Reasons] ON [chains] ([StartedByMemberId], [Reasons]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_HandledAt] ON [inbox] ([HandledAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_changes_At] ON [inbox_changes] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_changes_OrganizationId_Position] ON [inbox_changes] ([OrganizationId], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_outbox_Id] ON [outbox] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Aggregate], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_processed_requests_CreatedAt] ON [processed_requests] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_referral_steps_ReferralId_Sequence] ON [referral_steps] ([ReferralId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_ChainId] ON [referrals] ([ChainId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_ConsentId] ON [referrals] ([ConsentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_FromOrganizationId_Id] ON [referrals] ([FromOrganizationId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_NeedId_ToServiceId] ON [referrals] ([NeedId], [ToServiceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_Status_AcknowledgementDueAt] ON [referrals] ([Status], [AcknowledgementDueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    CREATE INDEX [IX_referrals_ToOrganizationId_Id] ON [referrals] ([ToOrganizationId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202020232_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202020232_Initial', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202032539_DerivePreviousStatus'
)
BEGIN
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[referrals]') AND [c].[name] = N'PreviousStatus');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [referrals] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [referrals] DROP COLUMN [PreviousStatus];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202032539_DerivePreviousStatus'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202032539_DerivePreviousStatus', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202085131_SpannerProposals'
)
BEGIN
    ALTER TABLE [chains] ADD [ProposalVersion] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202085131_SpannerProposals'
)
BEGIN
    ALTER TABLE [chains] ADD [ProposedSpanners] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202085131_SpannerProposals'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202085131_SpannerProposals', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133155_AuditTrailOneIndex'
)
BEGIN
    DROP INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133155_AuditTrailOneIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204133155_AuditTrailOneIndex', N'10.0.12');
END;

COMMIT;
GO

