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
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [bsn_hashes] (
        [ServiceUserId] nvarchar(36) NOT NULL,
        [KeyId] nvarchar(12) NOT NULL,
        [Hash] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_bsn_hashes] PRIMARY KEY ([ServiceUserId], [KeyId], [Hash])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [consents] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NULL,
        [OrganizationKind] nvarchar(40) NULL,
        [Purpose] nvarchar(16) NOT NULL,
        [DomainMask] int NOT NULL,
        [StartAt] datetimeoffset NOT NULL,
        [EndAt] datetimeoffset NULL,
        [Method] nvarchar(16) NOT NULL,
        [ByRepresentative] bit NOT NULL,
        [EvidenceReference] nvarchar(200) NOT NULL,
        [RecordedByMemberId] nvarchar(36) NOT NULL,
        [RecordedByOrganizationId] nvarchar(36) NOT NULL,
        [RevokedAt] datetimeoffset NULL,
        [RevokeReason] nvarchar(2000) NOT NULL,
        [RevokedByMemberId] nvarchar(36) NULL,
        [RevocationGround] nvarchar(32) NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_consents] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [duplicate_dismissals] (
        [ServiceUserId] nvarchar(36) NOT NULL,
        [DuplicateServiceUserId] nvarchar(36) NOT NULL,
        [Reason] nvarchar(500) NOT NULL,
        [DismissedByMemberId] nvarchar(36) NOT NULL,
        [DismissedByOrganizationId] nvarchar(36) NOT NULL,
        [DismissedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_duplicate_dismissals] PRIMARY KEY ([ServiceUserId], [DuplicateServiceUserId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [household_links] (
        [ServiceUserId] nvarchar(36) NOT NULL,
        [OtherServiceUserId] nvarchar(36) NOT NULL,
        [Relation] nvarchar(16) NOT NULL,
        [LinkedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_household_links] PRIMARY KEY ([ServiceUserId], [OtherServiceUserId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [known_organizations] (
        [Id] nvarchar(36) NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [IsActive] bit NOT NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_known_organizations] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE TABLE [service_users] (
        [Id] nvarchar(36) NOT NULL,
        [GivenName] nvarchar(200) NOT NULL,
        [FamilyName] nvarchar(200) NOT NULL,
        [DateOfBirth] date NOT NULL,
        [Neighbourhood] nvarchar(64) NOT NULL,
        [Languages] nvarchar(max) NOT NULL,
        [InterpreterNeeded] bit NOT NULL,
        [HasBsn] bit NOT NULL,
        [RegisteredByOrganizationId] nvarchar(36) NOT NULL,
        [MergedIntoId] nvarchar(36) NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_service_users] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
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
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_ServiceUserId_OccurredAt] ON [audit_trail] ([ServiceUserId], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail] ([SubjectType], [SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_bsn_hashes_Hash] ON [bsn_hashes] ([Hash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_consents_ServiceUserId_OrganizationId] ON [consents] ([ServiceUserId], [OrganizationId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_consents_ServiceUserId_OrganizationKind] ON [consents] ([ServiceUserId], [OrganizationKind]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_household_links_OtherServiceUserId] ON [household_links] ([OtherServiceUserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_inbox_HandledAt] ON [inbox] ([HandledAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_outbox_Id] ON [outbox] ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Aggregate_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Aggregate], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_outbox_PublishedAt_DeadLetteredAt_Position] ON [outbox] ([PublishedAt], [DeadLetteredAt], [Position]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    CREATE INDEX [IX_processed_requests_CreatedAt] ON [processed_requests] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125075446_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125075446_Initial', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE TABLE [cases] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [HouseholdServiceUserIds] nvarchar(max) NOT NULL,
        [CoordinatorMemberId] nvarchar(36) NOT NULL,
        [CoordinatorOrganizationId] nvarchar(36) NOT NULL,
        [CoordinatorEndsAt] datetimeoffset NULL,
        [CoordinatorVersion] bigint NOT NULL,
        [Plan] nvarchar(4000) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [CloseReason] nvarchar(2000) NOT NULL,
        [ClosedAt] datetimeoffset NULL,
        [HandoverNote] nvarchar(2000) NOT NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_cases] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE TABLE [needs] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [LifeDomain] nvarchar(32) NOT NULL,
        [DomainBit] int NOT NULL,
        [Severity] nvarchar(16) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Description] nvarchar(2000) NOT NULL,
        [Dimensions] nvarchar(max) NOT NULL,
        [StatusNote] nvarchar(2000) NOT NULL,
        [AtRisk] bit NOT NULL,
        [AtRiskReasons] nvarchar(max) NOT NULL,
        [AtRiskAt] datetimeoffset NULL,
        [RecordedByMemberId] nvarchar(36) NOT NULL,
        [RecordedByOrganizationId] nvarchar(36) NOT NULL,
        [RiskFoundAt] datetimeoffset NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_needs] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE TABLE [goals] (
        [Id] nvarchar(36) NOT NULL,
        [CaseId] nvarchar(36) NOT NULL,
        [Position] int NOT NULL,
        [Description] nvarchar(500) NOT NULL,
        [LifeDomain] nvarchar(32) NULL,
        [Status] nvarchar(16) NOT NULL,
        [TargetDate] date NULL,
        CONSTRAINT [PK_goals] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_goals_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE INDEX [IX_cases_CoordinatorMemberId_Status] ON [cases] ([CoordinatorMemberId], [Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE INDEX [IX_cases_ServiceUserId_Status] ON [cases] ([ServiceUserId], [Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE INDEX [IX_goals_CaseId] ON [goals] ([CaseId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    CREATE INDEX [IX_needs_ServiceUserId_LifeDomain] ON [needs] ([ServiceUserId], [LifeDomain]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125080906_CasesAndNeeds'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125080906_CasesAndNeeds', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    ALTER TABLE [known_organizations] ADD [Neighbourhoods] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE TABLE [involvements] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [MemberId] nvarchar(36) NULL,
        [SpannerId] nvarchar(64) NULL,
        [SpannerName] nvarchar(200) NOT NULL,
        [Role] nvarchar(24) NOT NULL,
        [Description] nvarchar(500) NOT NULL,
        [NeedId] nvarchar(36) NULL,
        [CaseId] nvarchar(36) NULL,
        [ReferralId] nvarchar(64) NULL,
        [AssignmentId] nvarchar(64) NULL,
        [StartAt] datetimeoffset NOT NULL,
        [EndAt] datetimeoffset NULL,
        [EndReason] nvarchar(24) NULL,
        [HandedOverFromId] nvarchar(36) NULL,
        [HandoverNote] nvarchar(2000) NOT NULL,
        [MemberEndsAt] datetimeoffset NULL,
        [MemberVersion] bigint NOT NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_involvements] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE TABLE [source_states] (
        [Key] nvarchar(80) NOT NULL,
        [Version] bigint NOT NULL,
        [Ended] bit NOT NULL,
        CONSTRAINT [PK_source_states] PRIMARY KEY ([Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE INDEX [IX_involvements_AssignmentId] ON [involvements] ([AssignmentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE INDEX [IX_involvements_CaseId] ON [involvements] ([CaseId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE INDEX [IX_involvements_MemberId_EndAt] ON [involvements] ([MemberId], [EndAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE INDEX [IX_involvements_ReferralId] ON [involvements] ([ReferralId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    CREATE INDEX [IX_involvements_ServiceUserId_EndAt] ON [involvements] ([ServiceUserId], [EndAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125081859_CareTeam'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125081859_CareTeam', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    ALTER TABLE [known_organizations] ADD [Name] nvarchar(200) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE TABLE [emergency_accesses] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [MemberId] nvarchar(36) NOT NULL,
        [OrganizationId] nvarchar(36) NOT NULL,
        [Reason] nvarchar(1000) NOT NULL,
        [ExpireAt] datetimeoffset NOT NULL,
        [Version] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_emergency_accesses] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE TABLE [known_members] (
        [Id] nvarchar(36) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [Profession] nvarchar(64) NOT NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_known_members] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE TABLE [referral_views] (
        [Id] nvarchar(64) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [ChainId] nvarchar(64) NOT NULL,
        [PreviousReferralId] nvarchar(64) NOT NULL,
        [NeedId] nvarchar(36) NOT NULL,
        [FromOrganizationId] nvarchar(36) NOT NULL,
        [ToServiceId] nvarchar(36) NOT NULL,
        [ToOrganizationId] nvarchar(36) NOT NULL,
        [Status] int NOT NULL,
        [DeclineReason] int NOT NULL,
        [FailureReason] int NOT NULL,
        [Outcome] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [StatusAt] datetimeoffset NOT NULL,
        [Version] bigint NOT NULL,
        CONSTRAINT [PK_referral_views] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE TABLE [timeline] (
        [Id] nvarchar(36) NOT NULL,
        [ServiceUserId] nvarchar(36) NOT NULL,
        [At] datetimeoffset NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [Summary] nvarchar(300) NOT NULL,
        [OrganizationId] nvarchar(36) NULL,
        [NeedId] nvarchar(36) NULL,
        [LifeDomain] int NULL,
        [ReferralId] nvarchar(64) NULL,
        CONSTRAINT [PK_timeline] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE INDEX [IX_emergency_accesses_OrganizationId] ON [emergency_accesses] ([OrganizationId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE INDEX [IX_emergency_accesses_ServiceUserId_MemberId] ON [emergency_accesses] ([ServiceUserId], [MemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE INDEX [IX_referral_views_ServiceUserId] ON [referral_views] ([ServiceUserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    CREATE INDEX [IX_timeline_ServiceUserId_At] ON [timeline] ([ServiceUserId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125082635_NetworkView'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125082635_NetworkView', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261201231835_InvolvementReview'
)
BEGIN
    ALTER TABLE [involvements] ADD [ReviewReason] nvarchar(500) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261201231835_InvolvementReview'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261201231835_InvolvementReview', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202010759_SpannerSuccession'
)
BEGIN
    ALTER TABLE [involvements] ADD [SpannerStoppedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202010759_SpannerSuccession'
)
BEGIN
    CREATE INDEX [IX_involvements_SpannerId_EndAt] ON [involvements] ([SpannerId], [EndAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202010759_SpannerSuccession'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202010759_SpannerSuccession', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202013222_ConsentExpiry'
)
BEGIN
    CREATE INDEX [IX_consents_EndAt] ON [consents] ([EndAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202013222_ConsentExpiry'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202013222_ConsentExpiry', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202015019_InvolvementSpannerKind'
)
BEGIN
    ALTER TABLE [involvements] ADD [SpannerKind] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202015019_InvolvementSpannerKind'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202015019_InvolvementSpannerKind', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202180137_NetworkViewStamps'
)
BEGIN
    CREATE TABLE [network_view_stamps] (
        [ServiceUserId] nvarchar(36) NOT NULL,
        [Stamp] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_network_view_stamps] PRIMARY KEY ([ServiceUserId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202180137_NetworkViewStamps'
)
BEGIN
    INSERT INTO [network_view_stamps] ([ServiceUserId], [Stamp]) SELECT [Id], CAST('00000000-0000-0000-0000-000000000000' AS uniqueidentifier) FROM [service_users];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202180137_NetworkViewStamps'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202180137_NetworkViewStamps', N'10.0.12');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133149_AuditTrailOneIndex'
)
BEGIN
    DROP INDEX [IX_audit_trail_SubjectType_SubjectId] ON [audit_trail];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204133149_AuditTrailOneIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204133149_AuditTrailOneIndex', N'10.0.12');
END;

COMMIT;
GO

