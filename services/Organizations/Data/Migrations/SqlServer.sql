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
    WHERE [MigrationId] = N'20261124220003_Initial'
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
        [PreviousHash] nvarchar(64) NOT NULL,
        [Hash] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_audit_trail] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
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
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [organizations] (
        [Id] nvarchar(36) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [Description] nvarchar(2000) NOT NULL,
        [Website] nvarchar(300) NOT NULL,
        [Email] nvarchar(254) NOT NULL,
        [Phone] nvarchar(40) NOT NULL,
        [Neighbourhoods] nvarchar(max) NOT NULL,
        [DeactivatedAt] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_organizations] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [outbox] (
        [Id] uniqueidentifier NOT NULL,
        [EventType] nvarchar(200) NOT NULL,
        [Payload] varbinary(max) NOT NULL,
        [OccurredAt] datetimeoffset NOT NULL,
        [PublishedAt] datetimeoffset NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetimeoffset NOT NULL,
        [LastError] nvarchar(1000) NULL,
        CONSTRAINT [PK_outbox] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [processed_requests] (
        [Method] nvarchar(200) NOT NULL,
        [OrganizationId] nvarchar(64) NOT NULL,
        [RequestId] nvarchar(128) NOT NULL,
        [Response] varbinary(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_processed_requests] PRIMARY KEY ([Method], [OrganizationId], [RequestId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [members] (
        [Id] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [Email] nvarchar(254) NOT NULL,
        [Role] nvarchar(40) NOT NULL,
        [Profession] nvarchar(64) NOT NULL,
        [Languages] nvarchar(max) NOT NULL,
        [StartAt] datetimeoffset NOT NULL,
        [EndAt] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_members] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_members_organizations_OrganizationId] FOREIGN KEY ([OrganizationId]) REFERENCES [organizations] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [services] (
        [Id] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Description] nvarchar(2000) NOT NULL,
        [MinAge] int NULL,
        [MaxAge] int NULL,
        [EligibleNeighbourhoods] nvarchar(max) NOT NULL,
        [Languages] nvarchar(max) NOT NULL,
        [OpenPlaces] int NOT NULL,
        [TypicalWaitDays] int NOT NULL,
        [AcknowledgementDeadline] bigint NOT NULL,
        [ActiveFrom] datetimeoffset NOT NULL,
        [ActiveUntil] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_services] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_services_organizations_OrganizationId] FOREIGN KEY ([OrganizationId]) REFERENCES [organizations] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE TABLE [service_life_domains] (
        [Domain] nvarchar(40) NOT NULL,
        [ServiceId] nvarchar(36) NOT NULL,
        CONSTRAINT [PK_service_life_domains] PRIMARY KEY ([ServiceId], [Domain]),
        CONSTRAINT [FK_service_life_domains_services_ServiceId] FOREIGN KEY ([ServiceId]) REFERENCES [services] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_ServiceUserId_OccurredAt] ON [audit_trail] ([ServiceUserId], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail] ([SubjectType], [SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_HandledAt] ON [inbox] ([HandledAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_members_Email] ON [members] ([Email]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_members_OrganizationId_Id] ON [members] ([OrganizationId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_members_Role] ON [members] ([Role]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_organizations_Kind] ON [organizations] ([Kind]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_NextAttemptAt] ON [outbox] ([PublishedAt], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_processed_requests_CreatedAt] ON [processed_requests] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_service_life_domains_Domain_ServiceId] ON [service_life_domains] ([Domain], [ServiceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    CREATE INDEX [IX_services_OrganizationId_Id] ON [services] ([OrganizationId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124220003_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124220003_Initial', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125043912_RequestFingerprint'
)
BEGIN
    ALTER TABLE [processed_requests] ADD [Fingerprint] varbinary(32) NOT NULL DEFAULT 0x;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125043912_RequestFingerprint'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125043912_RequestFingerprint', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125050440_KeyedAuditChain'
)
BEGIN
    EXEC sp_rename N'[audit_trail].[PreviousHash]', N'PreviousMac', 'COLUMN';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125050440_KeyedAuditChain'
)
BEGIN
    EXEC sp_rename N'[audit_trail].[Hash]', N'Mac', 'COLUMN';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125050440_KeyedAuditChain'
)
BEGIN
    ALTER TABLE [audit_trail] ADD [KeyId] nvarchar(12) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125050440_KeyedAuditChain'
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
    WHERE [MigrationId] = N'20261125050440_KeyedAuditChain'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125050440_KeyedAuditChain', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051522_DataVersion'
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
    WHERE [MigrationId] = N'20261125051522_DataVersion'
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
    WHERE [MigrationId] = N'20261125051522_DataVersion'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125051522_DataVersion', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] DROP CONSTRAINT [PK_outbox];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    DROP INDEX [IX_outbox_PublishedAt_NextAttemptAt] ON [outbox];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD [Position] bigint NOT NULL IDENTITY;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD [Aggregate] nvarchar(200) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD [DeadLetteredAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD [LeaseExpiresAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD [LeaseOwner] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    ALTER TABLE [outbox] ADD CONSTRAINT [PK_outbox] PRIMARY KEY ([Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    CREATE UNIQUE INDEX [IX_outbox_Id] ON [outbox] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Aggregate], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125051555_OutboxLeases'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125051555_OutboxLeases', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133144_AuditTrailOneIndex'
)
BEGIN
    DROP INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133144_AuditTrailOneIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204133144_AuditTrailOneIndex', N'10.0.12');
END;

COMMIT;
GO

