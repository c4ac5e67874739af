using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Messaging;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Jobs;

namespace ReferralNet.Referrals.Tests;

/// <summary>
/// Base of the referrals tests: a coordinator with a service user, a case and a need, receiving organizations with
/// services the referrals service knows, and the consents that let the need be referred to them.
/// </summary>
public abstract class ReferralsTest(ReferralsFixture fixture) : NetworkTest(fixture)
{
    protected ReferralsService.ReferralsServiceClient Referrals => new(Channel);

    /// <summary>
    /// A social neighbourhood team coordinating the case of a Moerwijk resident (born 1979) with a need in
    /// <paramref name="domain"/>.
    /// </summary>
    protected async Task<Scenario> ScenarioAsync(LifeDomain domain = LifeDomain.Housing)
    {
        var team = await NewPracticeAsync();
        await KnownAsync(team.Organization.Organization);
        var user = (await RegisterAsync(team)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        var need = (await Cases.RecordNeedAsync(new RecordNeedRequest
        {
            Need = new Need { ServiceUserId = user.Id, LifeDomain = domain, Severity = NeedSeverity.Urgent, Description = "No gas, water or electricity." },
        }, team.Call)).Need;
        return new Scenario(team, user, opened, need);
    }

    /// <summary>An organization of <paramref name="kind"/> with a professional and a service for <paramref name="domains"/>, known to the referrals service.</summary>
    protected async Task<Receiver> ReceiverAsync(OrganizationKind kind, LifeDomain[] domains, Action<Service>? change = null)
    {
        var practice = await NewPracticeAsync(kind);
        await KnownAsync(practice.Organization.Organization);
        var spec = new Service
        {
            OrganizationId = practice.Id,
            Name = Unique("Spreekuur"),
            Description = "Help within the week.",
            LifeDomains = { domains },
            Eligibility = new Eligibility { MinAge = 18 },
            Languages = { "nl", "ar" },
            Capacity = new Capacity { OpenPlaces = 5, TypicalWaitDays = 10 },
            AcknowledgementDeadline = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(72)),
        };
        change?.Invoke(spec);
        var service = (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, practice.Organization.Admin)).Service;
        await PublishAsync(new ServiceChanged { Service = service, Version = long.Parse(service.Etag) });
        return new Receiver(practice, service);
    }

    /// <summary>A REFERRAL consent, recorded by the coordinator, for <paramref name="receiver"/> and the scenario's need's domain.</summary>
    protected Task<Consent> ConsentToReferAsync(Scenario scenario, Receiver receiver) =>
        GrantAsync(scenario.Team, scenario.User.Id, receiver.Practice, ConsentPurpose.Referral, [scenario.Need.LifeDomain]);

    /// <summary>The coordinator refers the scenario's need to <paramref name="receiver"/> under <paramref name="consent"/>.</summary>
    protected async Task<Referral> ReferAsync(Scenario scenario, Receiver receiver, Consent consent, string requestId = "") =>
        (await Referrals.CreateReferralAsync(RequestOf(scenario, receiver, consent, requestId), scenario.Team.Call)).Referral;

    protected static CreateReferralRequest RequestOf(Scenario scenario, Receiver receiver, Consent consent, string requestId = "") => new()
    {
        Referral = new Referral { NeedId = scenario.Need.Id, ConsentId = consent.Id, ToServiceId = receiver.Service.Id, Note = "Heeft al twee weken geen gas, water en licht.", Priority = ReferralPriority.Urgent },
        RequestId = requestId,
    };

    /// <summary>A receiver that has the consent and the referral of the scenario's need.</summary>
    protected async Task<(Receiver Receiver, Referral Referral)> ReferredAsync(Scenario scenario, OrganizationKind kind = OrganizationKind.DebtCounselling)
    {
        var receiver = await ReceiverAsync(kind, [scenario.Need.LifeDomain]);
        return (receiver, await ReferAsync(scenario, receiver, await ConsentToReferAsync(scenario, receiver)));
    }

    /// <summary>Runs one scan of the host's deadline job at the clock's current time.</summary>
    protected Task<int> ScanDeadlinesAsync() => Fixture.Services.GetRequiredService<ReferralDeadlines>().RunOnceAsync(CancellationToken.None);

    /// <summary>The events of <paramref name="type"/> the referrals service has in its outbox about <paramref name="aggregateId"/>, oldest first.</summary>
    protected Task<List<T>> OutboxAsync<T>(string aggregateId)
        where T : IMessage<T>, new() =>
        InReferrals(async db => (await db.Outbox.AsNoTracking().Where(m => m.EventType == new T().Descriptor.FullName).OrderBy(m => m.Position).ToListAsync())
            .Select(m => new MessageParser<T>(() => new T()).ParseFrom(m.Payload))
            .Where(e => e.Descriptor.Fields.InDeclarationOrder()[0].Accessor.GetValue(e)?.ToString() == aggregateId)
            .ToList());

    /// <summary>Reads the cases database the way the service does.</summary>
    protected async Task<T> InCases<T>(Func<ReferralNet.Cases.Data.CasesDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ReferralNet.Cases.Data.CasesDbContext>());
    }

    /// <summary>Reads the referrals database the way the service does.</summary>
    protected async Task<T> InReferrals<T>(Func<ReferralsDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ReferralsDbContext>());
    }

    private Task KnownAsync(Organization organization) => PublishAsync(new OrganizationChanged { Organization = organization, Version = long.Parse(organization.Etag) });
}

/// <summary>A coordinator, the service user, the case and the need to refer.</summary>
public sealed record Scenario(Practice Team, ServiceUser User, Case Case, Need Need);

/// <summary>A receiving organization's professional and its service.</summary>
public sealed record Receiver(Practice Practice, Service Service)
{
    public CallOptions Call => Practice.Call;
}
