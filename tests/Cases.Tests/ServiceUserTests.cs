using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Tests;

/// <summary>Registration, identity by BSN without an oracle, changes, households and duplicates, through real gRPC.</summary>
public abstract class ServiceUserTests(CasesFixture fixture) : CasesTest(fixture)
{
    [SkippableFact]
    public async Task Registering_keeps_the_bsn_out_of_every_answer_event_record_and_stored_request()
    {
        var team = await NewPracticeAsync();
        var bsn = NewBsn();
        var request = RegistrationOf(team, bsn, requestId: Guid.NewGuid().ToString());

        var registered = await ServiceUsers.RegisterServiceUserAsync(request, team.Call);
        var read = await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = registered.ServiceUser.Id }, team.Call);
        var found = await ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = bsn }, team.Call);
        var retried = await ServiceUsers.RegisterServiceUserAsync(request, team.Call);

        Assert.True(registered.ServiceUser.HasBsn);
        Assert.Equal(registered.ServiceUser.Id, found.ServiceUser.Id);
        Assert.Equal(registered, retried);
        foreach (var answer in new IMessage[] { registered, read, found, retried })
        {
            Assert.DoesNotContain(bsn, answer.ToString());
        }

        // Nothing stored carries it in clear, and the stored fingerprint of the request is not a plain digest of it.
        var stored = await InCases(async db => new
        {
            Events = await db.Outbox.AsNoTracking().Select(m => m.Payload).ToListAsync(),
            Audit = await db.AuditTrail.AsNoTracking().ToListAsync(),
            Requests = await db.ProcessedRequests.AsNoTracking().ToListAsync(),
            Hashes = await db.BsnHashes.AsNoTracking().Where(h => h.ServiceUserId == registered.ServiceUser.Id).Select(h => h.Hash).ToListAsync(),
        });
        Assert.All(stored.Events, payload => Assert.DoesNotContain(bsn, System.Text.Encoding.UTF8.GetString(payload)));
        Assert.All(stored.Audit, record => Assert.DoesNotContain(bsn, string.Join("|", record.SubjectId, record.Basis, record.Action)));
        Assert.All(stored.Requests, r => Assert.DoesNotContain(bsn, System.Text.Encoding.UTF8.GetString(r.Response)));
        Assert.DoesNotContain(stored.Requests, r => r.Fingerprint.AsSpan().SequenceEqual(Idempotency.Fingerprint(request)));
        Assert.NotEmpty(stored.Hashes);
        Assert.DoesNotContain(bsn, string.Concat(stored.Hashes));
    }

    [SkippableFact]
    public async Task No_log_line_at_any_level_carries_a_bsn()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var bsn = NewBsn();
        var unknown = NewBsn();
        var invalid = bsn[..8] + (char)('0' + ((bsn[8] - '0' + 1) % 10));

        // Every way a BSN enters: registration and its retry, a second registration, lookups known and unknown, emergency
        // access by BSN, and refusals (an eleven-test failure, a lookup outside the caller's scope).
        var request = RegistrationOf(team, bsn, requestId: Guid.NewGuid().ToString());
        await ServiceUsers.RegisterServiceUserAsync(request, team.Call);
        await ServiceUsers.RegisterServiceUserAsync(request, team.Call);
        await RegisterAsync(gp, bsn);
        await ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = bsn }, team.Call);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = unknown }, team.Call).ResponseAsync);
        await InvalidField("bsn", () => ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = invalid }, team.Call).ResponseAsync);
        await InvalidField("bsn", () => ServiceUsers.RegisterServiceUserAsync(RegistrationOf(team, invalid), team.Call).ResponseAsync);
        await NetworkView.BreakTheGlassAsync(new BreakTheGlassRequest { Bsn = bsn, Reason = "Unconscious at the practice, need the care network now." }, gp.Call);
        await FailsWith(StatusCode.NotFound, () => NetworkView.BreakTheGlassAsync(new BreakTheGlassRequest { Bsn = unknown, Reason = "Unconscious at the practice, need the care network now." }, gp.Call).ResponseAsync);

        var lines = ServerLog.Lines.ToList();
        Assert.Contains(lines, line => line.Contains("Executed DbCommand", StringComparison.Ordinal));
        Assert.All(lines, line => Assert.False(line.Contains(bsn) || line.Contains(unknown) || line.Contains(invalid), "A log line carries a BSN: " + line));
    }

    [SkippableFact]
    public async Task A_bsn_that_fails_the_eleven_test_is_refused_without_echoing_it()
    {
        var team = await NewPracticeAsync();
        var invalid = "123456788";

        var error = await FailsWith(StatusCode.InvalidArgument, () => ServiceUsers.RegisterServiceUserAsync(RegistrationOf(team, invalid), team.Call).ResponseAsync);
        await InvalidField("bsn", () => ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = invalid }, team.Call).ResponseAsync);

        Assert.DoesNotContain(invalid, error.Status.Detail + error.Trailers.ToString());
    }

    [SkippableFact]
    public async Task A_known_bsn_registers_like_a_new_one_and_reaches_the_coordinator_as_a_possible_duplicate()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var bsn = NewBsn();
        var first = await RegisterAsync(team, bsn);

        // Same BSN, same or another date of birth, or an unknown BSN: the same kind of answer, a record of the GP's own.
        var again = await RegisterAsync(gp, bsn);
        var otherBirthday = await RegisterAsync(gp, bsn, new CalendarDate { Year = 1980, Month = 1, Day = 1 });
        var unknown = await RegisterAsync(gp, NewBsn());
        Assert.All(new[] { again, otherBirthday, unknown }, answer =>
        {
            Assert.NotEqual(first.ServiceUser.Id, answer.ServiceUser.Id);
            Assert.Empty(answer.ServiceUser.Household);
            Assert.Equal(gp.Id, answer.Consent.OrganizationId);
        });

        // The GP finds its own record by the BSN, never the team's; the team's record stays out of its reach.
        var found = await ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = bsn }, gp.Call);
        Assert.Contains(found.ServiceUser.Id, new[] { again.ServiceUser.Id, otherBirthday.ServiceUser.Id });
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = first.ServiceUser.Id }, gp.Call).ResponseAsync);

        // The coordinator sees both as possible duplicates, without their data or who registered them.
        var duplicates = await ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = first.ServiceUser.Id }, team.Call);
        Assert.Equal(
            new[] { (again.ServiceUser.Id, true), (otherBirthday.ServiceUser.Id, false) }.OrderBy(d => d.Item1),
            duplicates.PossibleDuplicates.Select(d => (d.ServiceUserId, d.SameDateOfBirth)).OrderBy(d => d.Item1));
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = first.ServiceUser.Id }, gp.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_later_registration_of_a_known_bsn_neither_sees_nor_merges_the_earlier_record()
    {
        var team = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var bsn = NewBsn();
        var first = await RegisterAsync(team, bsn);
        var later = await RegisterAsync(other, bsn);

        // The later registrant learns nothing of the earlier record and cannot pull it, with its consents, into its own.
        Assert.Empty((await ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = later.ServiceUser.Id }, other.Call)).PossibleDuplicates);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.MergeServiceUsersAsync(new MergeServiceUsersRequest
        {
            ServiceUserId = later.ServiceUser.Id, Etag = later.ServiceUser.Etag, DuplicateServiceUserId = first.ServiceUser.Id, ConfirmationMethod = ConsentMethod.Verbal,
        }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.DismissPossibleDuplicateAsync(new DismissPossibleDuplicateRequest
        {
            ServiceUserId = later.ServiceUser.Id, DuplicateServiceUserId = first.ServiceUser.Id, Reason = "Claims it is another person to hide the conflict.",
        }, other.Call).ResponseAsync);

        Assert.Equal(first.ServiceUser.Id, (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = first.ServiceUser.Id }, team.Call)).ServiceUser.Id);
        Assert.Equal(first.ServiceUser.Id, (await Consents.GetConsentAsync(new GetConsentRequest { Id = first.Consent.Id }, team.Call)).Consent.ServiceUserId);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = first.ServiceUser.Id }, other.Call).ResponseAsync);

        // The earlier record's coordinator is the one who sees the later registration and asks the service user.
        Assert.Equal(
            [later.ServiceUser.Id],
            (await ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = first.ServiceUser.Id }, team.Call)).PossibleDuplicates.Select(d => d.ServiceUserId));
    }

    [SkippableFact]
    public async Task The_coordinator_merges_a_confirmed_duplicate_whose_consents_and_id_follow()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var bsn = NewBsn();
        var first = await RegisterAsync(team, bsn);
        var second = await RegisterAsync(gp, bsn, purpose: ConsentPurpose.Care);

        var merged = await ServiceUsers.MergeServiceUsersAsync(new MergeServiceUsersRequest
        {
            ServiceUserId = first.ServiceUser.Id,
            Etag = first.ServiceUser.Etag,
            DuplicateServiceUserId = second.ServiceUser.Id,
            ConfirmationMethod = ConsentMethod.Verbal,
        }, team.Call);

        Assert.Equal(first.ServiceUser.Id, merged.ServiceUser.Id);
        Assert.NotEqual(first.ServiceUser.Etag, merged.ServiceUser.Etag);

        // The GP's old id answers as the merged record, which its consent now covers; no duplicate is left.
        var throughOldId = await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = second.ServiceUser.Id }, gp.Call);
        Assert.Equal(first.ServiceUser.Id, throughOldId.ServiceUser.Id);
        var viewThroughOldId = (await new NetworkViewService.NetworkViewServiceClient(Channel).GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = second.ServiceUser.Id }, gp.Call)).View;
        Assert.Equal(first.ServiceUser.Id, viewThroughOldId.ServiceUser.Id);
        Assert.Equal(first.ServiceUser.Id, (await ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = bsn }, gp.Call)).ServiceUser.Id);
        Assert.Empty((await ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = first.ServiceUser.Id }, team.Call)).PossibleDuplicates);
        var gpConsent = (await Consents.GetConsentAsync(new GetConsentRequest { Id = second.Consent.Id }, gp.Call)).Consent;
        Assert.Equal(first.ServiceUser.Id, gpConsent.ServiceUserId);
        var events = await InCases(db => db.Outbox.AsNoTracking().Where(m => m.EventType == ServiceUsersMerged.Descriptor.FullName).Select(m => m.Payload).ToListAsync());
        Assert.Contains(events.Select(ServiceUsersMerged.Parser.ParseFrom), e => e.ServiceUserId == first.ServiceUser.Id && e.MergedServiceUserId == second.ServiceUser.Id);

        // Merging again, or merging what is no duplicate, finds nothing to merge.
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.MergeServiceUsersAsync(new MergeServiceUsersRequest
        {
            ServiceUserId = first.ServiceUser.Id, Etag = merged.ServiceUser.Etag, DuplicateServiceUserId = second.ServiceUser.Id, ConfirmationMethod = ConsentMethod.Verbal,
        }, team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_dismissed_duplicate_is_no_longer_offered()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var bsn = NewBsn();
        var first = await RegisterAsync(team, bsn);
        var second = await RegisterAsync(gp, bsn);

        await ServiceUsers.DismissPossibleDuplicateAsync(new DismissPossibleDuplicateRequest
        {
            ServiceUserId = first.ServiceUser.Id, DuplicateServiceUserId = second.ServiceUser.Id, Reason = "Another person: the service user was never registered at a GP practice.",
        }, team.Call);

        Assert.Empty((await ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = first.ServiceUser.Id }, team.Call)).PossibleDuplicates);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.MergeServiceUsersAsync(new MergeServiceUsersRequest
        {
            ServiceUserId = first.ServiceUser.Id, Etag = first.ServiceUser.Etag, DuplicateServiceUserId = second.ServiceUser.Id, ConfirmationMethod = ConsentMethod.Verbal,
        }, team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task Another_organization_cannot_read_or_change_a_service_user_by_guessing_its_id()
    {
        var team = await NewPracticeAsync();
        var stranger = await NewPracticeAsync();
        var registered = await RegisterAsync(team, NewBsn());
        var id = registered.ServiceUser.Id;
        var own = await RegisterAsync(stranger);

        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.UpdateServiceUserAsync(new UpdateServiceUserRequest
        {
            ServiceUser = new ServiceUser { Id = id, Etag = registered.ServiceUser.Etag, FamilyName = "Changed" },
            UpdateMask = new FieldMask { Paths = { "family_name" } },
        }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest { Id = id, Etag = registered.ServiceUser.Etag, Neighbourhood = "laak" }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.LinkHouseholdMemberAsync(new LinkHouseholdMemberRequest
        {
            ServiceUserId = own.ServiceUser.Id, RelatedServiceUserId = id, Relation = HouseholdRelation.Partner,
        }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.ListPossibleDuplicatesAsync(new ListPossibleDuplicatesRequest { ServiceUserId = id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Consents.GetConsentAsync(new GetConsentRequest { Id = registered.Consent.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = registered.Consent.Id, Etag = registered.Consent.Etag, Reason = "Not ours" }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent { ServiceUserId = id, OrganizationId = stranger.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Debt }, Method = ConsentMethod.Verbal },
        }, stranger.Call).ResponseAsync);

        var unchanged = await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = id }, team.Call);
        Assert.Equal(registered.ServiceUser, unchanged.ServiceUser);
    }

    [SkippableFact]
    public async Task An_update_needs_the_current_etag_and_changes_only_the_fields_sent()
    {
        var team = await NewPracticeAsync();
        var registered = (await RegisterAsync(team)).ServiceUser;

        var updated = (await ServiceUsers.UpdateServiceUserAsync(new UpdateServiceUserRequest
        {
            ServiceUser = new ServiceUser { Id = registered.Id, Etag = registered.Etag, FamilyName = "El Amrani-Bakker" },
        }, team.Call)).ServiceUser;

        Assert.Equal(("El Amrani-Bakker", registered.GivenName, registered.Languages, registered.DateOfBirth), (updated.FamilyName, updated.GivenName, updated.Languages, updated.DateOfBirth));
        await FailsWith(StatusCode.Aborted, "ETAG_MISMATCH", () => ServiceUsers.UpdateServiceUserAsync(new UpdateServiceUserRequest
        {
            ServiceUser = new ServiceUser { Id = registered.Id, Etag = registered.Etag, GivenName = "Stale" },
        }, team.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "DATE_OF_BIRTH_IN_FUTURE", () => ServiceUsers.UpdateServiceUserAsync(new UpdateServiceUserRequest
        {
            ServiceUser = new ServiceUser { Id = registered.Id, Etag = updated.Etag, DateOfBirth = new CalendarDate { Year = Clock.Now.Year + 1, Month = 1, Day = 1 } },
        }, team.Call).ResponseAsync);

        var moved = (await ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest { Id = registered.Id, Etag = updated.Etag, Neighbourhood = "laak" }, team.Call)).ServiceUser;
        Assert.Equal("laak", moved.Neighbourhood);
        await FailsWith(StatusCode.FailedPrecondition, "SAME_NEIGHBOURHOOD", () => ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest { Id = registered.Id, Etag = moved.Etag, Neighbourhood = "laak" }, team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task Household_links_go_both_ways_and_show_only_members_the_caller_may_see()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var mother = (await RegisterAsync(team)).ServiceUser;
        var child = (await RegisterAsync(team, dateOfBirth: new CalendarDate { Year = 2015, Month = 6, Day = 1 })).ServiceUser;
        await GrantAsync(team, mother.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);

        var linked = (await ServiceUsers.LinkHouseholdMemberAsync(new LinkHouseholdMemberRequest
        {
            ServiceUserId = mother.Id, RelatedServiceUserId = child.Id, Relation = HouseholdRelation.Child, RequestId = Guid.NewGuid().ToString(),
        }, team.Call)).ServiceUser;

        Assert.Equal((child.Id, HouseholdRelation.Child), (linked.Household.Single().ServiceUserId, linked.Household.Single().Relation));
        var fromChild = (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = child.Id }, team.Call)).ServiceUser;
        Assert.Equal((mother.Id, HouseholdRelation.Parent), (fromChild.Household.Single().ServiceUserId, fromChild.Household.Single().Relation));
        Assert.Empty((await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = mother.Id }, gp.Call)).ServiceUser.Household);
        await FailsWith(StatusCode.AlreadyExists, "HOUSEHOLD_LINK_EXISTS", () => ServiceUsers.LinkHouseholdMemberAsync(new LinkHouseholdMemberRequest
        {
            ServiceUserId = child.Id, RelatedServiceUserId = mother.Id, Relation = HouseholdRelation.Parent,
        }, team.Call).ResponseAsync);

        var unlinked = (await ServiceUsers.UnlinkHouseholdMemberAsync(new UnlinkHouseholdMemberRequest { ServiceUserId = child.Id, RelatedServiceUserId = mother.Id }, team.Call)).ServiceUser;
        Assert.Empty(unlinked.Household);
        Assert.Empty((await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = mother.Id }, team.Call)).ServiceUser.Household);
    }

    [SkippableFact]
    public async Task Every_access_is_on_record_with_the_service_user_and_the_consent_it_rested_on()
    {
        var team = await NewPracticeAsync();
        var stranger = await NewPracticeAsync();
        var registered = await RegisterAsync(team);
        var id = registered.ServiceUser.Id;

        await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = id }, team.Call);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = id }, stranger.Call).ResponseAsync);

        var accesses = await AccessesOf(id);
        Assert.Equal(
            [("/referralnet.v1.ServiceUsersService/RegisterServiceUser", team.Id, "OK", $"consent:{registered.Consent.Id}"),
             ("/referralnet.v1.ServiceUsersService/GetServiceUser", team.Id, "OK", $"consent:{registered.Consent.Id}"),
             ("/referralnet.v1.ServiceUsersService/GetServiceUser", stranger.Id, "NotFound", "role")],
            accesses.Select(a => (a.Action, a.OrganizationId, a.Outcome, a.Basis)));
    }

    [SkippableFact]
    public async Task A_registration_must_hold_the_callers_own_consent()
    {
        var team = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var request = RegistrationOf(team);
        request.Consent.OrganizationId = other.Id;

        await FailsWith(StatusCode.InvalidArgument, "CONSENT_NOT_FOR_CALLER", () => ServiceUsers.RegisterServiceUserAsync(request, team.Call).ResponseAsync);
        var referralOnly = RegistrationOf(team, purpose: ConsentPurpose.Referral);
        await InvalidField("consent.purpose", () => ServiceUsers.RegisterServiceUserAsync(referralOnly, team.Call).ResponseAsync);
        var admin = team.Organization.Admin;
        await FailsWith(StatusCode.PermissionDenied, () => ServiceUsers.RegisterServiceUserAsync(RegistrationOf(team), admin).ResponseAsync);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ServiceUserTestsOnSqlite(CasesSqliteFixture fixture) : ServiceUserTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ServiceUserTestsOnPostgres(CasesPostgresFixture fixture) : ServiceUserTests(fixture);
