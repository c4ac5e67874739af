using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using Xunit;

namespace ReferralNet.Testing;

/// <summary>A host with a clock the tests move (deadlines pass, consents expire, memberships end), started at the real time, and its whole log.</summary>
public abstract class NetworkFixture(DatabaseProvider provider) : ReferralNetFixture(provider, seedDemoData: false)
{
    /// <summary>The host's clock.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Everything the host logged, at every level.</summary>
    public ServerLog Log { get; } = new();

    /// <inheritdoc />
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        Log.AddTo(services);
    }
}

/// <summary>Base of the tests that need a network around a service user: clients, organizations with professionals, service users, consents and events.</summary>
public abstract class NetworkTest(NetworkFixture fixture) : HostTest(fixture)
{
    /// <summary>Every life domain: a coordination consent covering the whole person.</summary>
    protected static readonly LifeDomain[] AllDomains = [.. System.Enum.GetValues<LifeDomain>().Where(d => d != LifeDomain.Unspecified)];

    /// <summary>The host's clock.</summary>
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

    /// <summary>Call options for <paramref name="member"/> with a token issued now (after the clock moved, older tokens have expired).</summary>
    protected CallOptions Now(Member member) => Fixture.As(Standing(member));

    /// <summary>Moves the host's clock.</summary>
    protected sealed record FakeClock(FakeTimeProvider Provider)
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
