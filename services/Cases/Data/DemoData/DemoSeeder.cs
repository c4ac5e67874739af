using ReferralNet.Cases.Domain;
using ReferralNet.Cases.Events;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Cases.Data.DemoData;

/// <summary>
/// Writes demo service users the way the endpoints would (the same domain objects, care-team rows and timeline entries),
/// by members named by e-mail or already looked up.
/// </summary>
/// <param name="publishEvents">
/// Whether the integration events go to the outbox. The hand-written demo publishes them like any registration; a
/// generated population describes a city that was already there, and a million events published at start would only
/// keep the dispatcher busy.
/// </param>
internal sealed class DemoSeeder(CasesDbContext db, IMemberDirectory directory, BsnKeys bsnKeys, DateTimeOffset now, CancellationToken cancellationToken, bool publishEvents)
{
    public async Task<ServiceUser> ServiceUserAsync(string given, string family, DateOnly born, string neighbourhood, string[] languages, bool interpreter, string? bsn, string registrarEmail) =>
        ServiceUser(new ServiceUserDetails(given, family, born, languages, interpreter), neighbourhood, Bsn.Parse(bsn), await MemberAsync(registrarEmail));

    public async Task CaseAsync(ServiceUser user, string coordinatorEmail, string plan, params GoalSpec[] goals) =>
        Case(user, await MemberAsync(coordinatorEmail), plan, goals);

    public async Task<Need> NeedAsync(ServiceUser user, string recorderEmail, LifeDomain domain, NeedSeverity severity, string description) =>
        Need(user, await MemberAsync(recorderEmail), domain, severity, description);

    public async Task ConsentAsync(ServiceUser user, string recorderEmail, string granteeEmail, ConsentPurpose purpose, params LifeDomain[] domains) =>
        Consent(user, await MemberAsync(recorderEmail), (await MemberAsync(granteeEmail)).OrganizationId, purpose, domains);

    public async Task InvolvementAsync(ServiceUser user, string memberEmail, InvolvementRole role, string description, Need? need) =>
        Involvement(user, await MemberAsync(memberEmail), role, description, need);

    /// <summary>A registration by <paramref name="registrar"/>, with its organization's COORDINATION consent for every domain.</summary>
    public ServiceUser ServiceUser(ServiceUserDetails details, string neighbourhood, Bsn? bsn, MemberStanding registrar)
    {
        var user = new ServiceUser(details, neighbourhood, registrar.OrganizationId, now);
        db.ServiceUsers.Add(user);
        if (bsn is not null)
        {
            user.RecordBsnGiven();
            db.BsnHashes.AddRange(bsnKeys.HashesFor(user.Id, bsn));
        }

        var consent = new Consent(user.Id, Grant(registrar.OrganizationId, ConsentPurpose.Coordination, Enum.GetValues<LifeDomain>()), registrar.MemberId, registrar.OrganizationId, now);
        db.Consents.Add(consent);
        Publish(user.RegisteredEvent());
        Publish(consent.GrantedEvent());
        db.ConsentChanged(consent, "Registered with a consent", now);
        return user;
    }

    /// <summary>An open case coordinated by <paramref name="coordinator"/>, who joins the care team with it.</summary>
    public void Case(ServiceUser user, MemberStanding coordinator, string plan, params GoalSpec[] goals)
    {
        var opened = new Case(user.Id, [], new Coordinator(coordinator.MemberId, coordinator.OrganizationId, coordinator.EndsAt, coordinator.Version), plan, goals, now);
        db.Cases.Add(opened);
        db.Involvements.Add(CareTeam.CoordinatorOf(opened, now));
        Publish(opened.OpenedEvent());
        db.CaseChanged(opened, "Case opened", now);
    }

    /// <summary>A need recorded by <paramref name="recorder"/>, with its domain's default positive-health dimensions.</summary>
    public Need Need(ServiceUser user, MemberStanding recorder, LifeDomain domain, NeedSeverity severity, string description)
    {
        var need = new Need(user.Id, domain, severity, description, [], recorder.MemberId, recorder.OrganizationId, now);
        db.Needs.Add(need);
        Publish(need.RecordedEvent());
        db.NeedRecorded(need, now);
        return need;
    }

    /// <summary>A consent for <paramref name="granteeOrganizationId"/>, recorded by <paramref name="recorder"/> on the service user's written word.</summary>
    public void Consent(ServiceUser user, MemberStanding recorder, string granteeOrganizationId, ConsentPurpose purpose, params LifeDomain[] domains)
    {
        var consent = new Consent(user.Id, Grant(granteeOrganizationId, purpose, domains), recorder.MemberId, recorder.OrganizationId, now);
        db.Consents.Add(consent);
        Publish(consent.GrantedEvent());
        db.ConsentChanged(consent, "Consent granted", now);
    }

    /// <summary><paramref name="member"/> joins the care team, for <paramref name="need"/> when given.</summary>
    public void Involvement(ServiceUser user, MemberStanding member, InvolvementRole role, string description, Need? need)
    {
        var involvement = new Involvement(user.Id, new InvolvementSpec(member.OrganizationId, member.MemberId, null, "", role, description, need?.Id), new InvolvementSource(), now, now);
        db.Involvements.Add(involvement);
        db.CareTeamChanged(involvement, joined: true, now, need?.LifeDomain);
    }

    /// <summary>The active member signing in as <paramref name="email"/>.</summary>
    public async Task<MemberStanding> MemberAsync(string email) =>
        await directory.FindForSignInAsync(email, cancellationToken)
        ?? throw new InvalidOperationException($"The demo directory has no active member {email}.");

    private void Publish(Google.Protobuf.IMessage integrationEvent)
    {
        if (publishEvents)
        {
            db.AddEvent(integrationEvent, now);
        }
    }

    private ConsentGrant Grant(string organizationId, ConsentPurpose purpose, IReadOnlyCollection<LifeDomain> domains) =>
        new(organizationId, null, purpose, domains, now, null, ConsentMethod.Written, false, "demo intake form");
}
