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
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [burden_check_ins] (
        [Id] nvarchar(36) NOT NULL,
        [SpannerId] nvarchar(36) NOT NULL,
        [Score] int NOT NULL,
        [Note] nvarchar(2000) NOT NULL,
        [Flagged] bit NOT NULL,
        [RaisedFlag] bit NOT NULL,
        [RecordedByMemberId] nvarchar(36) NOT NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_burden_check_ins] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [continuity_contact_spells] (
        [AssignmentId] nvarchar(64) NOT NULL,
        [ServiceUserId] nvarchar(64) NOT NULL,
        [SpannerId] nvarchar(64) NOT NULL,
        [StartAt] datetimeoffset NOT NULL,
        [EndAt] datetimeoffset NULL,
        [HandoverSince] datetimeoffset NULL,
        CONSTRAINT [PK_continuity_contact_spells] PRIMARY KEY ([AssignmentId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [continuity_professional_departures] (
        [InvolvementId] nvarchar(64) NOT NULL,
        [ServiceUserId] nvarchar(64) NOT NULL,
        [At] datetimeoffset NOT NULL,
        CONSTRAINT [PK_continuity_professional_departures] PRIMARY KEY ([InvolvementId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [continuity_residents] (
        [ServiceUserId] nvarchar(64) NOT NULL,
        [Neighbourhood] nvarchar(64) NOT NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_continuity_residents] PRIMARY KEY ([ServiceUserId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [spanner_assignments] (
        [Id] nvarchar(36) NOT NULL,
        [SpannerId] nvarchar(36) NOT NULL,
        [SpannerOrganizationId] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [NeedId] nvarchar(36) NULL,
        [CaseId] nvarchar(36) NULL,
        [ConstantContact] bit NOT NULL,
        [Note] nvarchar(2000) NOT NULL,
        [AssignedByMemberId] nvarchar(36) NOT NULL,
        [AssignedByOrganizationId] nvarchar(36) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [ProposedAt] datetimeoffset NOT NULL,
        [SpannerAgreedAt] datetimeoffset NULL,
        [ServiceUserAgreedAt] datetimeoffset NULL,
        [StartAt] datetimeoffset NULL,
        [EndAt] datetimeoffset NULL,
        [EndReason] nvarchar(24) NULL,
        [EndNote] nvarchar(2000) NOT NULL,
        [PreviousAssignmentId] nvarchar(36) NULL,
        [HandoverNote] nvarchar(2000) NOT NULL,
        [OpenSlot] nvarchar(36) NULL,
        [HandoverAt] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_spanner_assignments] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE TABLE [spanners] (
        [Id] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [Kind] nvarchar(32) NOT NULL,
        [MemberId] nvarchar(36) NULL,
        [Phone] nvarchar(40) NOT NULL,
        [Languages] nvarchar(max) NOT NULL,
        [Neighbourhoods] nvarchar(max) NOT NULL,
        [LifeDomains] nvarchar(max) NOT NULL,
        [MaxServiceUsers] int NOT NULL,
        [HoursPerWeek] int NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [BackupSpannerId] nvarchar(36) NULL,
        [ConductCertificateDate] date NULL,
        [LatestBurdenScore] int NOT NULL,
        [BurdenFlagged] bit NOT NULL,
        [LastCheckInAt] datetimeoffset NULL,
        [StoppedAt] datetimeoffset NULL,
        [StopReason] nvarchar(24) NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_spanners] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
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
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_ServiceUserId_OccurredAt] ON [audit_trail] ([ServiceUserId], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail] ([SubjectType], [SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_burden_check_ins_SpannerId_Id] ON [burden_check_ins] ([SpannerId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_continuity_contact_spells_ServiceUserId] ON [continuity_contact_spells] ([ServiceUserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_continuity_professional_departures_ServiceUserId_At] ON [continuity_professional_departures] ([ServiceUserId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_continuity_residents_Neighbourhood] ON [continuity_residents] ([Neighbourhood]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_HandledAt] ON [inbox] ([HandledAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_outbox_Id] ON [outbox] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Aggregate], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_processed_requests_CreatedAt] ON [processed_requests] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_spanner_assignments_PreviousAssignmentId] ON [spanner_assignments] ([PreviousAssignmentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_spanner_assignments_ServiceUserId_OpenSlot] ON [spanner_assignments] ([ServiceUserId], [OpenSlot]) WHERE [OpenSlot] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_spanner_assignments_SpannerId_Status] ON [spanner_assignments] ([SpannerId], [Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_spanners_OrganizationId_Id] ON [spanners] ([OrganizationId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    CREATE INDEX [IX_spanners_Status_Id] ON [spanners] ([Status], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202054232_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202054232_Initial', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202085126_PauseHandover'
)
BEGIN
    ALTER TABLE [spanner_assignments] ADD [HandoverReason] nvarchar(24) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202085126_PauseHandover'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202085126_PauseHandover', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133200_AuditTrailOneIndex'
)
BEGIN
    DROP INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133200_AuditTrailOneIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204133200_AuditTrailOneIndex', N'10.0.12');
END;

COMMIT;
GO

