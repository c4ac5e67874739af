using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using RevocationGround = ReferralNet.Cases.Domain.RevocationGround;

namespace ReferralNet.Cases.Tests;

/// <summary>The consent matrix, revocation and expiry on the very next call, kind-wide consents and the check other services ask.</summary>
public abstract class ConsentTests(CasesFixture fixture) : CasesTest(fixture)
{
    [SkippableFact]
    public async Task An_organization_sees_what_its_consent_covers_and_nothing_without_one()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var debt = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var user = (await RegisterAsync(team)).ServiceUser;
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth, LifeDomain.Social]);

        Assert.Equal(user.Id, (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, gp.Call)).ServiceUser.Id);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, debt.Call).ResponseAsync);

        // The GP checks its own consent per domain; the coordinator sees every consent, the GP only its own.
        Assert.True((await CheckAsync(gp.Call, user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth, LifeDomain.Social)).Granted);
        Assert.False((await CheckAsync(gp.Call, user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth, LifeDomain.Debt)).Granted);
        Assert.False((await CheckAsync(gp.Call, user.Id, ConsentPurpose.Referral, LifeDomain.PhysicalHealth)).Granted);
        Assert.False((await CheckAsync(debt.Call, user.Id, ConsentPurpose.Care, LifeDomain.Debt)).Granted);
        Assert.Equal(2, (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = user.Id }, team.Call)).Consents.Count);
        Assert.Equal([care.Id], (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = user.Id }, gp.Call)).Consents.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task Only_a_coordinating_organization_records_consents_and_only_within_its_own_domains()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var debt = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var user = (await RegisterAsync(team)).ServiceUser;
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);

        // A care consent is no ground to widen the GP's own access, nor to give another organization any.
        await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => GrantAsync(gp, user.Id, gp, ConsentPurpose.Coordination, [LifeDomain.PhysicalHealth, LifeDomain.Debt]));
        await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => GrantAsync(gp, user.Id, debt, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]));

        // A coordination consent for some domains lets its holder record consents for those domains only.
        await GrantAsync(team, user.Id, debt, ConsentPurpose.Coordination, [LifeDomain.Debt, LifeDomain.Income]);
        await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => GrantAsync(debt, user.Id, gp, ConsentPurpose.Care, [LifeDomain.Debt, LifeDomain.MentalHealth]));
        var within = await GrantAsync(debt, user.Id, gp, ConsentPurpose.Care, [LifeDomain.Debt]);

        var recorded = (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = user.Id }, team.Call)).Consents;
        Assert.Equal(4, recorded.Count);
        Assert.Equal(debt.Id, recorded.Single(c => c.Id == within.Id).RecordedByOrganizationId);

        // The debt counsellor's grant rests on its own coordination consent, and its access record says so.
        var debtCoordination = recorded.Single(c => c.OrganizationId == debt.Id && c.Purpose == ConsentPurpose.Coordination);
        var grants = await InCases(db => db.AuditTrail.AsNoTracking()
            .Where(r => r.OrganizationId == debt.Id && r.Outcome == "OK" && r.Action.EndsWith("/GrantConsent")).Select(r => r.Basis).ToListAsync());
        Assert.Equal([$"consent:{debtCoordination.Id}"], grants);
    }

    [SkippableFact]
    public async Task A_revocation_bites_on_the_next_call_and_only_the_grounded_may_revoke()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);
        await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, gp.Call);

        // The grantee did not record it and coordinates nothing: it may not revoke on the service user's behalf.
        await FailsWith(StatusCode.PermissionDenied, "REVOCATION_NOT_ALLOWED", () =>
            Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = "Wants it ended" }, gp.Call).ResponseAsync);

        var revoked = (await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = "Zij wil dit niet meer." }, team.Call)).Consent;

        Assert.Equal(ConsentStatus.Revoked, revoked.Status);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, gp.Call).ResponseAsync);
        Assert.False((await CheckAsync(Fixture.AsWorkload("referrals"), user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth, organizationId: gp.Id)).Granted);
        await FailsWith(StatusCode.FailedPrecondition, "CONSENT_ALREADY_REVOKED", () =>
            Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = care.Id, Etag = revoked.Etag, Reason = "Again" }, team.Call).ResponseAsync);
        var events = await InCases(db => db.Outbox.AsNoTracking().Where(m => m.EventType == ConsentRevoked.Descriptor.FullName).Select(m => m.Payload).ToListAsync());
        Assert.Contains(events.Select(ConsentRevoked.Parser.ParseFrom), e => e.ConsentId == care.Id && e.Version == long.Parse(revoked.Etag));
    }

    [SkippableFact]
    public async Task A_privacy_officer_of_an_organization_it_concerns_may_revoke_and_others_do_not_see_it()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var elsewhere = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);

        await FailsWith(StatusCode.NotFound, () => Consents.RevokeConsentAsync(
            new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = "Not ours" }, PrivacyOfficerOfAsync(elsewhere).Result).ResponseAsync);
        var revoked = (await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = "Complaint upheld" }, await PrivacyOfficerOfAsync(gp))).Consent;

        Assert.Equal(ConsentStatus.Revoked, revoked.Status);
        var ground = await InCases(db => db.Consents.AsNoTracking().Where(c => c.Id == care.Id).Select(c => c.RevocationGround).SingleAsync());
        Assert.Equal(RevocationGround.PrivacyOfficer, ground);
    }

    [SkippableFact]
    public async Task An_expired_consent_grants_nothing_from_the_next_call()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth], Timestamp.FromDateTimeOffset(Clock.Now.AddDays(1)));
        Assert.True((await CheckAsync(gp.Call, user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth)).Granted);

        Clock.Advance(TimeSpan.FromDays(2));

        var gpNow = Fixture.As(Standing(gp.Professional));
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, gpNow).ResponseAsync);
        var teamNow = Fixture.As(Standing(team.Professional));
        var listed = (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = user.Id, Statuses = { ConsentStatus.Expired } }, teamNow)).Consents;
        Assert.Equal([care.Id], listed.Select(c => c.Id));
        await FailsWith(StatusCode.FailedPrecondition, "CONSENT_ENDED", () =>
            Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = "Too late" }, teamNow).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_consent_to_every_organization_of_a_kind_covers_each_of_them_also_when_a_service_asks()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var otherGp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var housing = await NewPracticeAsync(OrganizationKind.HousingCorporation);
        var user = (await RegisterAsync(team)).ServiceUser;
        var everyGp = (await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent
            {
                ServiceUserId = user.Id, OrganizationKind = OrganizationKind.GpPractice, Purpose = ConsentPurpose.Care,
                LifeDomains = { LifeDomain.PhysicalHealth }, Method = ConsentMethod.Written,
            },
        }, team.Call)).Consent;

        Assert.Equal(user.Id, (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, otherGp.Call)).ServiceUser.Id);
        await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, housing.Call).ResponseAsync);

        // The referrals service asks about a GP practice it names; the kind comes from the directory's OrganizationChanged,
        // delivered here through the bus as the outbox delivers it (once more does no harm: the version guard holds).
        await PublishAsync(new OrganizationChanged { Organization = gp.Organization.Organization, Version = long.Parse(gp.Organization.Organization.Etag) });
        await PublishAsync(new OrganizationChanged { Organization = housing.Organization.Organization, Version = long.Parse(housing.Organization.Organization.Etag) });
        var answer = await CheckAsync(Fixture.AsWorkload("referrals"), user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth, organizationId: gp.Id);
        Assert.Equal(everyGp.Id, answer.ConsentId);
        Assert.False((await CheckAsync(Fixture.AsWorkload("referrals"), user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth, organizationId: housing.Id)).Granted);
        await InvalidField("organization_id", () => CheckAsync(Fixture.AsWorkload("referrals"), user.Id, ConsentPurpose.Care, LifeDomain.PhysicalHealth));
    }

    [SkippableFact]
    public async Task A_consent_that_starts_later_grants_nothing_yet()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        var later = (await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent
            {
                ServiceUserId = user.Id, OrganizationId = gp.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social },
                Method = ConsentMethod.Digital, StartTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(7)),
            },
        }, team.Call)).Consent;

        Assert.Equal(ConsentStatus.Pending, later.Status);
        Assert.False((await CheckAsync(gp.Call, user.Id, ConsentPurpose.Care, LifeDomain.Social)).Granted);
        await FailsWith(StatusCode.FailedPrecondition, "CONSENT_ALREADY_ENDED", () => Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent
            {
                ServiceUserId = user.Id, OrganizationId = gp.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social },
                Method = ConsentMethod.Digital, EndTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(-1)),
            },
        }, team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_member_token_cannot_ask_as_a_service_and_an_unknown_workload_is_refused()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;

        await FailsWith(StatusCode.PermissionDenied, () => CheckAsync(Fixture.AsWorkload("billing"), user.Id, ConsentPurpose.Care, LifeDomain.Debt, organizationId: team.Id));
        await FailsWith(StatusCode.PermissionDenied, () => CheckAsync(team.Organization.Admin, user.Id, ConsentPurpose.Care, LifeDomain.Debt));
    }

    private Task<CheckConsentResponse> CheckAsync(CallOptions call, string serviceUserId, ConsentPurpose purpose, LifeDomain domain, LifeDomain? also = null, string organizationId = "") =>
        Consents.CheckConsentAsync(new CheckConsentRequest
        {
            ServiceUserId = serviceUserId, OrganizationId = organizationId, Purpose = purpose, LifeDomains = { also is { } more ? [domain, more] : new[] { domain } },
        }, call).ResponseAsync;

    private Task<CheckConsentResponse> CheckAsync(CallOptions call, string serviceUserId, ConsentPurpose purpose, LifeDomain domain, LifeDomain also) =>
        CheckAsync(call, serviceUserId, purpose, domain, (LifeDomain?)also);

}

[Collection(SqliteCollection.Name)]
public sealed class ConsentTestsOnSqlite(CasesSqliteFixture fixture) : ConsentTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ConsentTestsOnPostgres(CasesPostgresFixture fixture) : ConsentTests(fixture);
