using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ReferralNet.Cases.Tests;

/// <summary>The network view under consent and under break-the-glass, the access log and the review of emergency accesses.</summary>
public abstract class NetworkViewTests(CasesFixture fixture) : CasesTest(fixture)
{
    [SkippableFact]
    public async Task The_gps_view_shows_its_domains_says_what_it_withheld_and_ends_with_the_consent()
    {
        // The "done when": a coordinator in Moerwijk, needs in housing, debt and loneliness; a GP practice with a
        // CARE consent for physical health and loneliness.
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        await PublishAsync(new OrganizationChanged { Organization = team.Organization.Organization, Version = long.Parse(team.Organization.Organization.Etag) });
        var user = (await RegisterAsync(team, NewBsn())).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest
        {
            Case = new Case
            {
                ServiceUserId = user.Id,
                Goals =
                {
                    new Goal { Description = "Gas, water and electricity restored", LifeDomain = LifeDomain.Housing },
                    new Goal { Description = "Meets people in the neighbourhood every week", LifeDomain = LifeDomain.Social },
                    new Goal { Description = "Knows whom to call" },
                },
            },
        }, team.Call)).Case;
        await RecordAsync(team, user.Id, LifeDomain.Housing, NeedSeverity.Urgent);
        await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High);
        var lonely = await RecordAsync(team, user.Id, LifeDomain.Social, NeedSeverity.Moderate);
        var consent = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth, LifeDomain.Social]);
        var addiction = await NewPracticeAsync(OrganizationKind.MentalHealth);
        await GrantAsync(team, user.Id, addiction, ConsentPurpose.Care, [LifeDomain.Addiction]);

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, gp.Call)).View;

        // Of the consents the GP sees only its own on the timeline, as in ListConsents; the coordinator sees all three.
        Assert.Equal([gp.Id], view.RecentEvents.Where(e => e.Kind == TimelineEntryKind.Consent).Select(e => e.OrganizationId));
        var coordinatorsView = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;
        Assert.Equal(3, coordinatorsView.RecentEvents.Count(e => e.Kind == TimelineEntryKind.Consent));

        Assert.Equal(AccessBasis.Consent, view.Basis);
        Assert.Equal([lonely.Id], view.OpenNeeds.Select(n => n.Need.Id));
        Assert.Equal(opened.Id, view.CaseId);
        Assert.Equal((team.Professional.Id, team.Organization.Organization.Name), (view.Coordinator.Involvement.MemberId, view.Coordinator.OrganizationName));
        Assert.Equal([LifeDomain.PhysicalHealth, LifeDomain.Social], view.VisibleLifeDomains);
        Assert.Equal([(LifeDomain.Housing, 1), (LifeDomain.Debt, 1)], view.Withheld.Select(w => (w.LifeDomain, w.Needs)));
        Assert.All(view.Withheld, w => Assert.True(w.Events >= 1));
        Assert.Equal(["Meets people in the neighbourhood every week", "Knows whom to call"], view.Goals.Select(g => g.Description));
        Assert.Equal([(LifeDomain.Housing, 1), (LifeDomain.Debt, 0)], view.Withheld.Select(w => (w.LifeDomain, w.Goals)));
        Assert.DoesNotContain(view.RecentEvents, e => e.Summary.Contains("debt") || e.Summary.Contains("housing"));
        Assert.Contains(view.RecentEvents, e => e.Summary == "Need recorded: social (moderate)");

        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = consent.Id, Etag = consent.Etag, Reason = "Wil het niet meer." }, team.Call);
        await FailsWith(StatusCode.NotFound, () => NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, gp.Call).ResponseAsync);

        // The coordinator's access log has the GP's read on the consent and the refusal after the revocation.
        var log = (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id, OrganizationIds = { gp.Id } }, team.Call)).Entries;
        Assert.Equal(
            [("network-view", "NotFound", AccessBasis.None, ""), ("network-view", "OK", AccessBasis.Consent, consent.Id)],
            log.Where(e => e.RecordType == "network-view").Select(e => (e.RecordType, e.Outcome, e.Basis, e.ConsentId)));
        Assert.All(log, e => Assert.Empty(e.MemberId));
    }

    [SkippableFact]
    public async Task A_medical_professional_breaks_the_glass_for_a_limited_time_and_the_access_is_reviewed()
    {
        var team = await NewPracticeAsync();
        var emergency = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var social = await NewPracticeAsync();
        var user = (await RegisterAsync(team, NewBsn())).ServiceUser;
        await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call);
        await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High);
        await FailsWith(StatusCode.NotFound, () => NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, emergency.Call).ResponseAsync);

        await FailsWith(StatusCode.PermissionDenied, "NOT_A_MEDICAL_PROFESSION", () => NetworkView.BreakTheGlassAsync(new BreakTheGlassRequest
        {
            ServiceUserId = user.Id, Reason = "Unconscious at the practice, need the care network now.",
        }, social.Call).ResponseAsync);
        await InvalidField("reason", () => NetworkView.BreakTheGlassAsync(new BreakTheGlassRequest { ServiceUserId = user.Id, Reason = "urgent" }, emergency.Call).ResponseAsync);
        var access = (await NetworkView.BreakTheGlassAsync(new BreakTheGlassRequest
        {
            ServiceUserId = user.Id, Reason = "Unconscious at the practice, need the care network now.",
        }, emergency.Call)).Access;

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, emergency.Call)).View;
        Assert.Equal(AccessBasis.BreakTheGlass, view.Basis);
        Assert.Single(view.OpenNeeds);
        Assert.Empty(view.Withheld);

        // Reviewed: the coordinator and the privacy officer of the coordinating organization both see it.
        var forCoordinator = (await NetworkView.ListEmergencyAccessesAsync(new ListEmergencyAccessesRequest { ServiceUserId = user.Id }, team.Call)).Accesses;
        Assert.Equal([(access.Id, emergency.Professional.Id)], forCoordinator.Select(a => (a.Id, a.MemberId)));
        var forPrivacyOfficer = (await NetworkView.ListEmergencyAccessesAsync(new ListEmergencyAccessesRequest(), await PrivacyOfficerOfAsync(team))).Accesses;
        Assert.Contains(access.Id, forPrivacyOfficer.Select(a => a.Id));
        var logged = (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id, OrganizationIds = { emergency.Id } }, await PrivacyOfficerOfAsync(team))).Entries;
        Assert.Contains(logged, e => e.RecordType == "network-view" && e.Basis == AccessBasis.BreakTheGlass && e.EmergencyAccessId == access.Id);

        Clock.Advance(TimeSpan.FromHours(5));
        await FailsWith(StatusCode.NotFound, () => NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, Fixture.As(Standing(emergency.Professional))).ResponseAsync);
    }

    [SkippableFact]
    public async Task Open_needs_carry_their_referral_chain_and_the_timeline_tells_what_happened()
    {
        var team = await NewPracticeAsync();
        var first = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var second = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High);
        await PublishAsync(new ReferralRequested
        {
            ReferralId = "referral-1", ChainId = "chain-1", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = first.Id, ToServiceId = "service-1", Version = 1,
        });
        await PublishAsync(new ReferralStatusChanged
        {
            ReferralId = "referral-1", ChainId = "chain-1", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = first.Id, Status = ReferralStatus.Declined, DeclineReason = ReferralDeclineReason.NoCapacity,
            ChangeTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = 2, RedirectReferralId = "referral-2",
        });
        await PublishAsync(new ReferralRequested
        {
            ReferralId = "referral-2", ChainId = "chain-1", PreviousReferralId = "referral-1", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = second.Id, ToServiceId = "service-2", Version = 1,
        });

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;

        var chain = view.OpenNeeds.Single().Referrals;
        Assert.Equal([("referral-1", ReferralStatus.Declined, ""), ("referral-2", ReferralStatus.Requested, "referral-1")], chain.Select(r => (r.ReferralId, r.Status, r.PreviousReferralId)));
        Assert.Contains(view.RecentEvents, e => e.Kind == TimelineEntryKind.Referral && e.Summary == "Referral declined: no capacity");
    }

    [SkippableFact]
    public async Task Referral_events_twice_and_out_of_order_give_the_same_chain_and_timeline()
    {
        var team = await NewPracticeAsync();
        var first = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var second = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High);
        var requested = new ReferralRequested
        {
            ReferralId = "referral-a", ChainId = "chain-a", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = first.Id, ToServiceId = "service-a", Version = 1,
        };
        var declined = new ReferralStatusChanged
        {
            ReferralId = "referral-a", ChainId = "chain-a", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = first.Id, Status = ReferralStatus.Declined, DeclineReason = ReferralDeclineReason.NoCapacity,
            ChangeTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = 2, RedirectReferralId = "referral-b",
        };
        var redirected = new ReferralRequested
        {
            ReferralId = "referral-b", ChainId = "chain-a", PreviousReferralId = "referral-a", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = second.Id, ToServiceId = "service-b", Version = 1,
        };
        var accepted = new ReferralStatusChanged
        {
            ReferralId = "referral-b", ChainId = "chain-a", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = second.Id, Status = ReferralStatus.Accepted, ChangeTime = Timestamp.FromDateTimeOffset(Clock.Now),
            Version = 2,
        };

        // Every event twice, the newest first, each under an event id of its own (so no inbox row hides the repeat).
        foreach (IMessage message in new IMessage[] { accepted, redirected, declined, requested, accepted, redirected, declined, requested })
        {
            await PublishAsync(message);
        }

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;
        Assert.Equal(
            [("referral-a", ReferralStatus.Declined, ""), ("referral-b", ReferralStatus.Accepted, "referral-a")],
            view.OpenNeeds.Single().Referrals.Select(r => (r.ReferralId, r.Status, r.PreviousReferralId)).OrderBy(r => r.ReferralId));
        Assert.Equal(
            ["Referral accepted", "Referral declined: no capacity", "Referral requested", "Referral requested"],
            view.RecentEvents.Where(e => e.Kind == TimelineEntryKind.Referral).Select(e => e.Summary).Order(StringComparer.Ordinal));
        Assert.Single(view.CareTeam, e => e.Involvement.OrganizationId == second.Id);
        Assert.DoesNotContain(view.CareTeam, e => e.Involvement.OrganizationId == first.Id);
    }

    [SkippableFact]
    public async Task The_constant_contact_is_the_longest_serving_active_spanner_and_the_next_one_when_it_ends()
    {
        var team = await NewPracticeAsync();
        var cooperative = await NewPracticeAsync(OrganizationKind.CitizenCooperative);
        var user = (await RegisterAsync(team)).ServiceUser;
        var today = DateTimeOffset.FromUnixTimeSeconds(Clock.Now.ToUnixTimeSeconds());
        SpannerAssigned Assigned(string spanner, bool constantContact, int daysAgo) => new()
        {
            AssignmentId = $"{spanner}-{user.Id}", SpannerId = spanner, SpannerDisplayName = spanner, SpannerOrganizationId = cooperative.Id, ServiceUserId = user.Id,
            ConstantContact = constantContact, StartTime = Timestamp.FromDateTimeOffset(today.AddDays(-daysAgo)), Version = 1,
            SpannerKind = constantContact ? SpannerKind.ExpertByExperience : SpannerKind.ChurchVolunteer,
        };

        // The newer spanner's assignment arrives first, and each twice: the order of arrival does not decide, the service does.
        foreach (var message in new[] { Assigned("newer", false, 2), Assigned("longer", true, 30), Assigned("newer", false, 2), Assigned("longer", true, 30) })
        {
            await PublishAsync(message);
        }

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;
        Assert.Equal(
            ("longer", $"longer-{user.Id}", SpannerKind.ExpertByExperience, today.AddDays(-30)),
            (view.ConstantContact.SpannerId, view.ConstantContact.AssignmentId, view.ConstantContact.Kind, view.ConstantContact.StartTime.ToDateTimeOffset()));
        Assert.Equal(2, view.CareTeam.Count(e => e.Involvement.BoundarySpannerId.Length > 0));

        var ended = new SpannerAssignmentEnded
        {
            AssignmentId = $"longer-{user.Id}", SpannerId = "longer", ServiceUserId = user.Id, ConstantContact = true, Reason = AssignmentEndReason.ServiceUserRequest,
            EndTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = 2,
        };
        await PublishAsync(ended);
        await PublishAsync(ended);
        await PublishAsync(Assigned("longer", true, 30));

        // Not flagged as the constant contact when it was assigned, the remaining spanner is it now.
        view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;
        Assert.Equal(("newer", SpannerKind.ChurchVolunteer, today.AddDays(-2)), (view.ConstantContact.SpannerId, view.ConstantContact.Kind, view.ConstantContact.StartTime.ToDateTimeOffset()));
        Assert.Equal(["newer"], view.CareTeam.Where(e => e.Involvement.BoundarySpannerId.Length > 0).Select(e => e.SpannerDisplayName));
    }

    [SkippableFact]
    public async Task Accesses_by_object_id_are_in_the_access_log_with_their_consent_and_so_are_a_strangers_guesses()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var stranger = await NewPracticeAsync();
        var registered = await RegisterAsync(team);
        var user = registered.ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        var need = await RecordAsync(team, user.Id, LifeDomain.PhysicalHealth, NeedSeverity.Moderate);
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);

        await Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, team.Call);
        await Cases.GetNeedAsync(new GetNeedRequest { Id = need.Id }, gp.Call);
        await FailsWith(StatusCode.NotFound, () => Cases.GetNeedAsync(new GetNeedRequest { Id = need.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Consents.GetConsentAsync(new GetConsentRequest { Id = care.Id }, stranger.Call).ResponseAsync);

        var log = (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id, PageSize = 100 }, team.Call)).Entries;

        // A coordination consent for some domains is no ground to read the log: the case's coordinator's organization is.
        var debt = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        await GrantAsync(team, user.Id, debt, ConsentPurpose.Coordination, [LifeDomain.Debt]);
        await FailsWith(StatusCode.NotFound, () => NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id }, debt.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => NetworkView.ListEmergencyAccessesAsync(new ListEmergencyAccessesRequest { ServiceUserId = user.Id }, debt.Call).ResponseAsync);
        AccessLogEntry Only(string organizationId, string method) => Assert.Single(log, e => e.OrganizationId == organizationId && e.Method.EndsWith(method, StringComparison.Ordinal));
        Assert.Equal(("case", AccessAction.View, "coordination", AccessBasis.Consent, registered.Consent.Id), Summary(Only(team.Id, "/GetCase")));
        Assert.Equal(("need", AccessAction.Change, "care", AccessBasis.Consent, registered.Consent.Id), Summary(Only(team.Id, "/RecordNeed")));
        Assert.Equal(("need", AccessAction.View, "care", AccessBasis.Consent, care.Id), Summary(Only(gp.Id, "/GetNeed")));
        Assert.Equal(
            [("case", "NotFound"), ("consent", "NotFound"), ("need", "NotFound")],
            log.Where(e => e.OrganizationId == stranger.Id).Select(e => (e.RecordType, e.Outcome)).Order());
        Assert.All(log.Where(e => e.OrganizationId == stranger.Id), e => Assert.Equal(AccessBasis.None, e.Basis));

        static (string, AccessAction, string, AccessBasis, string) Summary(AccessLogEntry e) => (e.RecordType, e.Action, e.Purpose, e.Basis, e.ConsentId);
    }

    [SkippableFact]
    public async Task A_caseload_listing_is_in_the_access_log_of_each_person_on_the_page_and_of_nobody_else()
    {
        var team = await NewPracticeAsync();
        var first = (await RegisterAsync(team)).ServiceUser;
        var second = (await RegisterAsync(team)).ServiceUser;
        var notListed = (await RegisterAsync(team)).ServiceUser;
        foreach (var user in new[] { first, second, notListed })
        {
            await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call);
        }

        // Newest first: a page of two holds the second and the third person's cases, so the first is not on record.
        var page = await Cases.ListCasesAsync(new ListCasesRequest { PageSize = 2 }, team.Call);
        Assert.Equal([notListed.Id, second.Id], page.Cases.Select(c => c.ServiceUserId));

        foreach (var user in new[] { second, notListed })
        {
            var log = (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id, PageSize = 100 }, team.Call)).Entries;
            var listing = Assert.Single(log, e => e.Method.EndsWith("/ListCases", StringComparison.Ordinal));
            Assert.Equal((team.Id, AccessAction.View, "OK"), (listing.OrganizationId, listing.Action, listing.Outcome));
        }

        var firstLog = (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = first.Id, PageSize = 100 }, team.Call)).Entries;
        Assert.DoesNotContain(firstLog, e => e.Method.EndsWith("/ListCases", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_view_kept_in_memory_follows_every_change_from_this_host_and_from_a_replica()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var welfare = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var worker = await NewMemberAsync(welfare, MemberRole.Professional);
        await PublishAsync(new OrganizationChanged { Organization = welfare.Organization, Version = long.Parse(welfare.Organization.Etag) });
        var user = (await RegisterAsync(team, NewBsn())).ServiceUser;
        await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call);
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.Social, LifeDomain.PhysicalHealth]);
        await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent { ServiceUserId = user.Id, OrganizationId = welfare.Organization.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social }, Method = ConsentMethod.Verbal },
        }, team.Call);
        async Task<NetworkView> ViewAsync(NetworkViewService.NetworkViewServiceClient client) =>
            (await client.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, gp.Call)).View;
        Assert.Empty((await ViewAsync(NetworkView)).OpenNeeds);

        // A change through this host's endpoints, then through an event handler.
        var lonely = await RecordAsync(team, user.Id, LifeDomain.Social, NeedSeverity.Moderate);
        Assert.Equal([lonely.Id], (await ViewAsync(NetworkView)).OpenNeeds.Select(n => n.Need.Id));
        var supporter = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Supporter } }, worker.Call)).Involvement;
        Assert.Equal(welfare.Organization.Name, Assert.Single((await ViewAsync(NetworkView)).CareTeam, e => e.Involvement.Id == supporter.Id).OrganizationName);

        // An organization's new name reaches every view that names it (the directory's stamp, not the service user's).
        var renamed = welfare.Organization.Clone();
        renamed.Name = Unique("Welzijn Moerwijk");
        await PublishAsync(new OrganizationChanged { Organization = renamed, Version = long.Parse(welfare.Organization.Etag) + 1 });
        Assert.Equal(renamed.Name, Assert.Single((await ViewAsync(NetworkView)).CareTeam, e => e.Involvement.Id == supporter.Id).OrganizationName);

        // A replica keeps views of its own: a change committed by either host is in the other's next view.
        await using var replica = await Fixture.StartReplicaAsync();
        var elsewhere = new NetworkViewService.NetworkViewServiceClient(replica.Channel);
        Assert.Equal([lonely.Id], (await ViewAsync(elsewhere)).OpenNeeds.Select(n => n.Need.Id));
        var ill = (await new CasesService.CasesServiceClient(replica.Channel).RecordNeedAsync(new RecordNeedRequest
        {
            Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.PhysicalHealth, Severity = NeedSeverity.High, Description = "Rugklachten" },
        }, team.Call)).Need;
        Assert.Contains(ill.Id, (await ViewAsync(NetworkView)).OpenNeeds.Select(n => n.Need.Id));
        await CareTeam.EndInvolvementAsync(new EndInvolvementRequest { Id = supporter.Id, Etag = supporter.Etag, Reason = InvolvementEndReason.Completed }, worker.Call);
        Assert.DoesNotContain((await ViewAsync(elsewhere)).CareTeam, e => e.Involvement.Id == supporter.Id);

        // A consent's end needs no change to any row: the kept view is refused the moment it passes.
        var locum = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        await GrantAsync(team, user.Id, locum, ConsentPurpose.Care, [LifeDomain.PhysicalHealth], Timestamp.FromDateTimeOffset(Clock.Now.AddHours(1)));
        var request = new GetNetworkViewRequest { ServiceUserId = user.Id };
        Assert.Equal([ill.Id], (await NetworkView.GetNetworkViewAsync(request, locum.Call)).View.OpenNeeds.Select(n => n.Need.Id));
        Clock.Advance(TimeSpan.FromHours(2));
        await FailsWith(StatusCode.NotFound, () => NetworkView.GetNetworkViewAsync(request, locum.Call).ResponseAsync);
    }

    private async Task<Need> RecordAsync(Practice practice, string serviceUserId, LifeDomain domain, NeedSeverity severity) =>
        (await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = serviceUserId, LifeDomain = domain, Severity = severity } }, practice.Call)).Need;
}

[Collection(SqliteCollection.Name)]
public sealed class NetworkViewTestsOnSqlite(CasesSqliteFixture fixture) : NetworkViewTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class NetworkViewTestsOnPostgres(CasesPostgresFixture fixture) : NetworkViewTests(fixture);
