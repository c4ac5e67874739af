using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Cases.Tests;

/// <summary>Base of the cases tests: clients, organizations with professionals, service users registered through the API.</summary>
public abstract class CasesTest(CasesFixture fixture) : HostTest(fixture)
{
    /// <summary>Every life domain: a coordination consent covering the whole person.</summary>
    protected static readonly LifeDomain[] AllDomains = [.. System.Enum.GetValues<LifeDomain>().Where(d => d != LifeDomain.Unspecified)];

    protected FakeClock Clock => new(fixture.Clock);

    /// <summary>Everything the host logged, at every level.</summary>
    protected ServerLog ServerLog => fixture.Log;

    protected ServiceUsersService.ServiceUsersServiceClient ServiceUsers => new(Channel);

    protected ConsentsService.ConsentsServiceClient Consents => new(Channel);

    protected CasesService.CasesServiceClient Cases => new(Channel);

    protected CareTeamService.CareTeamServiceClient CareTeam => new(Channel);

    protected NetworkViewService.NetworkViewServiceClient NetworkView => new(Channel);

    /// <summary>
    /// Delivers <paramref name="integrationEvent"/> to the host's subscribers as the outbox would, again when a handler
    /// lost a race on a row, a stale version or a key another delivery inserted first (the outbox's own delivery of the
    /// same change may be running): at least once, like a broker, whose failed delivery is retried.
    /// </summary>
    protected async Task PublishAsync(IMessage integrationEvent)
    {
        var delivery = new IntegrationEvent(Guid.NewGuid(), integrationEvent.Descriptor.FullName, integrationEvent.ToByteArray(), Clock.Now);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Fixture.Services.GetRequiredService<IEventBus>().PublishAsync(delivery, CancellationToken.None);
                return;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>A random BSN that passes the eleven-test.</summary>
    protected static string NewBsn()
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(_ => Random.Shared.Next(10)).ToArray();
            var sum = digits.Select((d, i) => (9 - i) * d).Sum();
            var last = sum % 11;
            if (last < 10 && digits[0] != 0)
            {
                return string.Concat(digits) + last;
            }
        }
    }

    /// <summary>An organization of <paramref name="kind"/> with one professional of <paramref name="profession"/>.</summary>
    protected async Task<Practice> NewPracticeAsync(OrganizationKind kind = OrganizationKind.SocialNeighbourhoodTeam, string profession = "social-worker")
    {
        var organization = await NewOrganizationAsync(kind);
        var (member, call) = await NewMemberAsync(organization, MemberRole.Professional, profession);
        return new Practice(organization, member, call);
    }

    /// <summary>A privacy officer of <paramref name="practice"/>.</summary>
    protected async Task<CallOptions> PrivacyOfficerOfAsync(Practice practice) => (await NewMemberAsync(practice.Organization, MemberRole.PrivacyOfficer)).Call;

    /// <summary>A service user registered by <paramref name="practice"/> under a consent of <paramref name="purpose"/> to it.</summary>
    protected async Task<RegisterServiceUserResponse> RegisterAsync(
        Practice practice, string? bsn = null, CalendarDate? dateOfBirth = null, ConsentPurpose purpose = ConsentPurpose.Coordination, string requestId = "")
    {
        return await ServiceUsers.RegisterServiceUserAsync(RegistrationOf(practice, bsn, dateOfBirth, purpose, requestId), practice.Call);
    }

    protected static RegisterServiceUserRequest RegistrationOf(
        Practice practice, string? bsn = null, CalendarDate? dateOfBirth = null, ConsentPurpose purpose = ConsentPurpose.Coordination, string requestId = "") => new()
    {
        ServiceUser = new ServiceUser
        {
            GivenName = "Fatima",
            FamilyName = "El Amrani",
            DateOfBirth = dateOfBirth ?? new CalendarDate { Year = 1979, Month = 4, Day = 12 },
            Neighbourhood = "moerwijk",
            Languages = { "ar", "nl" },
            InterpreterNeeded = true,
        },
        Bsn = bsn ?? "",
        Consent = new Consent
        {
            OrganizationId = practice.Organization.Organization.Id,
            Purpose = purpose,
            LifeDomains = { AllDomains },
            Method = ConsentMethod.Written,
            EvidenceReference = "intake form 2026-114",
        },
        RequestId = requestId,
    };

    /// <summary>Grants <paramref name="grantee"/> a consent of <paramref name="purpose"/> for <paramref name="domains"/>, recorded by <paramref name="recorder"/>.</summary>
    protected async Task<Consent> GrantAsync(Practice recorder, string serviceUserId, Practice grantee, ConsentPurpose purpose, LifeDomain[] domains, Timestamp? endTime = null) =>
        (await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent
            {
                ServiceUserId = serviceUserId,
                OrganizationId = grantee.Organization.Organization.Id,
                Purpose = purpose,
                LifeDomains = { domains },
                Method = ConsentMethod.Verbal,
                EndTime = endTime,
            },
        }, recorder.Call)).Consent;

    /// <summary>
    /// A welfare organization of Moerwijk in the care team of <paramref name="serviceUserId"/> (a CARE consent for
    /// loneliness, a supporter's part), and the service user's move to the Laak, which marks that part for review.
    /// </summary>
    /// <returns>The welfare worker's call options and the involvement waiting for review.</returns>
    protected async Task<(CallOptions Worker, Involvement Marked)> MovedAwayFromWelfareAsync(Practice team, string serviceUserId)
    {
        var local = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var worker = await NewMemberAsync(local, MemberRole.Professional);
        await PublishAsync(new OrganizationChanged { Organization = local.Organization, Version = long.Parse(local.Organization.Etag) });
        await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent { ServiceUserId = serviceUserId, OrganizationId = local.Organization.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social }, Method = ConsentMethod.Verbal },
        }, team.Call);
        await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = serviceUserId, Role = InvolvementRole.Supporter } }, worker.Call);
        var current = (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = serviceUserId }, team.Call)).ServiceUser;
        var moved = await ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest { Id = serviceUserId, Etag = current.Etag, Neighbourhood = "laak" }, team.Call);
        return (worker.Call, Assert.Single(moved.InvolvementsToReview));
    }

    /// <summary>Reads the cases database the way the service does.</summary>
    protected async Task<T> InCases<T>(Func<CasesDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CasesDbContext>());
    }

    /// <summary>The cases service's audit records of one service user, oldest first.</summary>
    protected Task<List<AuditRecord>> AccessesOf(string serviceUserId) =>
        InCases(db => db.AuditTrail.AsNoTracking().Where(a => a.ServiceUserId == serviceUserId).OrderBy(a => a.Sequence).ToListAsync());

    /// <summary>Moves the host's clock.</summary>
    protected sealed record FakeClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider Provider)
    {
        public DateTimeOffset Now => Provider.GetUtcNow();

        public void Advance(TimeSpan by) => Provider.Advance(by);
    }
}

/// <summary>An organization with one professional and the professional's call options.</summary>
public sealed record Practice(TestOrganization Organization, Member Professional, CallOptions Call)
{
    public string Id => Organization.Organization.Id;
}
