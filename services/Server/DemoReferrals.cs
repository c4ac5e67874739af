using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data.DemoData;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Referrals.Data;

namespace ReferralNet.Server;

/// <summary>What the demo referrals' seeding did on this start.</summary>
public enum DemoReferralsOutcome
{
    /// <summary>The chains were seeded.</summary>
    Seeded,

    /// <summary>The referrals database already held referrals (an earlier start seeded them, or people used the demo).</summary>
    Skipped,

    /// <summary>A call failed; the host runs on, with the demo's referrals as far as they got (logged as a warning).</summary>
    Failed,
}

/// <summary>
/// Seeds the demo city's referral chains (embedded shape with demo data) once the host listens, through the public gRPC
/// API over a loopback channel, as the demo's professionals would with their development tokens. The referrals service
/// owns its data and learns needs and consents from the cases service only through its API and events, so the demo
/// cannot be written into its database beside the cases' demo; going through the API also gives every referral its
/// consent check, history, events, audit records and pillar-to-post judgement, exactly as a real one. It runs after
/// start, so it never delays the first answer, and only while the referrals database is empty, so a restart seeds
/// nothing more.
/// </summary>
/// <remarks>
/// The chains, all of the hand-written demo people (<see cref="DemoCases"/>):
/// Naima Bakkali (Moerwijk): her loneliness, sent by her GP, declined by two organizations and redirected to a third:
/// at risk of pillar-to-post, in the GP's network view with every organization and outcome; the utilities emergency in
/// progress; her debts declined twice and on a waiting list at the third service: at risk as well, with boundary spanners
/// proposed to her coordinator, who makes the first her constant contact.
/// Henk de Wit (Schilderswijk): loneliness completed; daily functioning cancelled at one service, received at another.
/// Abdi Warsame (Transvaal): Dutch lessons accepted after a referral entered in error; shelter failed.
/// EXPIRED is left out: it needs an acknowledgement deadline to pass (four hours at the shortest in the directory), and
/// the demo does not fake it.
/// </remarks>
public sealed class DemoReferrals(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IMemberDirectory directory,
    DevTokenIssuer tokens,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<ReferralNetOptions> options,
    ILogger<DemoReferrals> logger) : BackgroundService
{
    // How long the seeding waits for the referrals service to learn a service from the directory's events.
    private static readonly TimeSpan DirectoryWait = TimeSpan.FromSeconds(60);

    // The deadline of each call: generous, the host is busy starting, but never unbounded.
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource<DemoReferralsOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when this start's seeding is over (tests await it instead of sleeping); canceled when the host stops first.</summary>
    public Task<DemoReferralsOutcome> Completion => _done.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StartedAsync(stoppingToken);
            _done.TrySetResult(await SeedAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _done.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            // The demo is a convenience: a failed seeding must never take the host down with it.
            logger.LogWarning(ex, "Seeding the demo referrals failed; the server runs on without the rest of them");
            _done.TrySetResult(DemoReferralsOutcome.Failed);
        }
    }

    private Task StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    private async Task<DemoReferralsOutcome> SeedAsync(CancellationToken cancellationToken)
    {
        if (await ReferralsExistAsync(cancellationToken))
        {
            logger.LogDebug("The referrals database holds referrals; the demo referrals are not seeded again");
            return DemoReferralsOutcome.Skipped;
        }

        var watch = Stopwatch.StartNew();
        using var channel = GrpcChannel.ForAddress(LoopbackAddress.Of(services));
        var run = new Run(this, channel, cancellationToken);

        // The spanners first: the proposal for Naima's need at risk then names who could stay with her.
        var spanners = options.Value.Runs(Spanners.SpannersModule.Name) ? await SpannersAsync(run) : 0;
        await NaimaAsync(run);
        await HenkAsync(run);
        await AbdiAsync(run);
        if (spanners > 0)
        {
            await NaimasConstantContactAsync(run);
        }

        logger.LogInformation(
            "Seeded the demo referrals: {Referrals} referrals in every state but expired, one need at risk of pillar-to-post; {Spanners} boundary spanners, Naima's constant contact among them; in {Elapsed} ms",
            run.Created, spanners, watch.ElapsedMilliseconds);
        return DemoReferralsOutcome.Seeded;
    }

    // Naima: the field study's resident without gas, water and electricity, whose loneliness goes from pillar to post.
    private static async Task NaimaAsync(Run run)
    {
        var coordinator = await run.MemberAsync("abdelkader.ziani@wijkteam-moerwijk.example");
        var gp = await run.MemberAsync("karim.haddou@hap-moerwijkzuid.example");
        var welfare = await run.MemberAsync("rachid.moussaoui@welzijn-zuidwest.example");
        var church = await run.MemberAsync("johannes.visscher@schuilplaats-moerwijk.example");
        var mosque = await run.MemberAsync("said.idrissi@ar-rahma-transvaal.example");
        var housing = await run.MemberAsync("youssef.amrani@wonen-zuidwest.example");
        var debt = await run.MemberAsync("khadija.ouali@schuldhulp-moerwijk.example");
        var money = await run.MemberAsync("nadia.benali@geldzorg-denhaag.example");
        var naima = await run.ServiceUserAsync(coordinator, DemoCases.NaimaPlan);

        // The GP sees her loneliness (CARE consent) and refers it; the coordinator records the REFERRAL consents she gave.
        var social = await run.NeedAsync(gp, naima, LifeDomain.Social);
        var buddy = await run.ConsentAsync(coordinator, naima, welfare, LifeDomain.Social);
        await run.ConsentAsync(coordinator, naima, church, LifeDomain.Social);
        await run.ConsentAsync(coordinator, naima, mosque, LifeDomain.Social);
        var first = await run.ReferAsync(gp, social, buddy, await run.ServiceAsync(welfare, "Maatjesproject tegen eenzaamheid"),
            "Lonely since her divorce, rarely leaves the house. Speaks Arabic and some Dutch.", acceptWait: true);
        first = await run.ReceiveAsync(welfare, first);
        var second = await run.DeclineAsync(welfare, first, ReferralDeclineReason.NoCapacity, "No buddies free for months; the waiting list is closed.",
            await run.ServiceAsync(church, "Pastoraal huisbezoek"));
        second = await run.ReceiveAsync(church, second);
        await run.DeclineAsync(church, second, ReferralDeclineReason.NotEligible, "Our home visits are for members of the congregation.",
            await run.ServiceAsync(mosque, "Sociaal spreekuur met de imam"));

        // The utilities: the emergency line is on it.
        var utilities = await run.NeedAsync(coordinator, naima, LifeDomain.Housing);
        var emergency = await run.ReferAsync(coordinator, utilities, await run.ConsentAsync(coordinator, naima, housing, LifeDomain.Housing),
            await run.ServiceAsync(housing, "Noodlijn afsluiting gas, water en licht"), "No gas, water or electricity since March.", priority: ReferralPriority.Asap);
        emergency = await run.AcceptAsync(housing, await run.ReceiveAsync(housing, emergency), "A fitter goes out tomorrow.");
        await run.StartAsync(housing, emergency, "Supplier contacted; temporary connection requested.");

        // The debts: no room at the intake, the debt-settlement team sends her on to a walk-in hour that is full for
        // weeks; two rejections without help put the need at risk too.
        var debts = await run.NeedAsync(coordinator, naima, LifeDomain.Debt);
        await run.ConsentAsync(coordinator, naima, money, LifeDomain.Debt);
        var intake = await run.ReferAsync(coordinator, debts, await run.ConsentAsync(coordinator, naima, debt, LifeDomain.Debt, LifeDomain.Income),
            await run.ServiceAsync(debt, "Schuldhulpverlening: intake en stabilisatie"), "Arrears with the energy supplier and the housing corporation.");
        intake = await run.ReceiveAsync(debt, intake);
        var settlement = await run.DeclineAsync(debt, intake, ReferralDeclineReason.NoCapacity, "The intake list is closed until the spring.",
            await run.ServiceAsync(money, "Schuldregeling en Wsnp-voorbereiding"));
        settlement = await run.ReceiveAsync(money, settlement);
        var walkIn = await run.DeclineAsync(money, settlement, ReferralDeclineReason.NotEligible, "A debt settlement needs a stable budget first; start at the walk-in hour.",
            await run.ServiceAsync(money, "Geldfit inloopspreekuur"));
        await run.HoldAsync(money, await run.ReceiveAsync(money, walkIn), TimeSpan.FromDays(21), "The walk-in hour is full for three weeks.");
    }

    // The boundary spanners of the demo's welfare organization, church and mosque, across the neighbourhoods and languages
    // of the field study, with backups; one has reported a burden too high to take anyone new.
    private async Task<int> SpannersAsync(Run run)
    {
        var welfare = await run.MemberAsync("rachid.moussaoui@welzijn-zuidwest.example");
        var church = await run.MemberAsync("johannes.visscher@schuilplaats-moerwijk.example");
        var mosque = await run.MemberAsync("said.idrissi@ar-rahma-transvaal.example");
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var yasmina = await run.SpannerAsync(welfare, "Yasmina El Khatib", SpannerKind.ExpertByExperience, ["ar", "nl"], ["moerwijk", "transvaal"], [LifeDomain.Debt, LifeDomain.Income], 3, today.AddMonths(-8));
        await run.SpannerAsync(welfare, "Fatima Benali", SpannerKind.Volunteer, ["ar", "tzm", "nl"], ["moerwijk"], [LifeDomain.Social, LifeDomain.Debt, LifeDomain.DailyFunctioning], 4, today.AddYears(-1), backup: yasmina);
        var mehmet = await run.SpannerAsync(welfare, "Mehmet Yılmaz", SpannerKind.ExpertByExperience, ["tr", "nl"], ["schilderswijk"], [LifeDomain.Debt, LifeDomain.Addiction], 3, today.AddMonths(-3));
        await run.SpannerAsync(welfare, "Ewa Kowalska", SpannerKind.CommunityVolunteer, ["pl", "nl"], ["moerwijk", "schilderswijk"], [LifeDomain.DailyFunctioning, LifeDomain.Language], 2, today.AddMonths(-14), backup: mehmet);
        var rosa = await run.SpannerAsync(welfare, "Rosa Martina", SpannerKind.InformalCaregiver, ["pap", "nl"], ["schilderswijk"], [LifeDomain.Social, LifeDomain.Parenting], 2, today.AddYears(-2));
        await run.CheckInAsync(welfare, rosa, 9, "Caring for her mother as well; too much at the moment.");
        await run.SpannerAsync(church, "Anneke de Vries", SpannerKind.ChurchVolunteer, ["nl"], ["moerwijk"], [LifeDomain.Social], 5, today.AddMonths(-20));
        await run.SpannerAsync(mosque, "Abdullahi Hassan", SpannerKind.CommunityVolunteer, ["so", "ar", "nl"], ["transvaal"], [LifeDomain.Social, LifeDomain.Language], 4, today.AddMonths(-6));
        return 7;
    }

    // Naima's debt need at risk brought a proposal of spanners to her coordinator (as the referrals service shows it); the
    // coordinator asks the first, an Arabic-speaking volunteer of Moerwijk, to stay with her as her constant contact, and
    // she and the volunteer both agree.
    private static async Task NaimasConstantContactAsync(Run run)
    {
        var coordinator = await run.MemberAsync("abdelkader.ziani@wijkteam-moerwijk.example");
        var welfare = await run.MemberAsync("rachid.moussaoui@welzijn-zuidwest.example");
        var naima = await run.ServiceUserAsync(coordinator, DemoCases.NaimaPlan);
        var debts = await run.NeedAsync(coordinator, naima, LifeDomain.Debt);
        var proposed = await run.ProposedSpannerAsync(coordinator, debts);
        await run.ConstantContactAsync(coordinator, welfare, naima, debts, proposed,
            "Naima has debts with the energy supplier and is lonely since her divorce; she prefers to speak Arabic.");
    }

    // Henk: loneliness helped; daily functioning withdrawn at one service and waiting at another.
    private static async Task HenkAsync(Run run)
    {
        var coordinator = await run.MemberAsync("mustafa.yldz@wijkteam-schilderswijk.example");
        var keyPersons = await run.MemberAsync("meryem.karaca@schilderswijk-verbindt.example");
        var language = await run.MemberAsync("hasna.elidrissi@taalhuis-zuidwest.example");
        var municipality = await run.MemberAsync("souad.haddaoui@servicepunt-denhaag.example");
        var henk = await run.ServiceUserAsync(coordinator, DemoCases.HenkPlan);

        var social = await run.NeedAsync(coordinator, henk, LifeDomain.Social);
        var visits = await run.ReferAsync(coordinator, social, await run.ConsentAsync(coordinator, henk, keyPersons, LifeDomain.Social),
            await run.ServiceAsync(keyPersons, "Sleutelpersonennetwerk"), "Has not spoken to anyone for weeks.");
        visits = await run.AcceptAsync(keyPersons, await run.ReceiveAsync(keyPersons, visits), "A key person from his street will visit.");
        visits = await run.StartAsync(keyPersons, visits, "First visit done.");
        await run.CompleteAsync(keyPersons, visits, ReferralOutcome.NeedMet, "Henk joins the Thursday coffee round; a neighbour visits weekly.");

        var daily = await run.NeedAsync(coordinator, henk, LifeDomain.DailyFunctioning);
        var digital = await run.ReferAsync(coordinator, daily, await run.ConsentAsync(coordinator, henk, language, LifeDomain.DailyFunctioning),
            await run.ServiceAsync(language, "Digitaal spreekuur"), "Help with ordering groceries online.");
        await run.CancelAsync(coordinator, digital, "His daughter now orders his groceries; withdrawn.");
        var support = await run.ReferAsync(coordinator, daily, await run.ConsentAsync(coordinator, henk, municipality, LifeDomain.DailyFunctioning),
            await run.ServiceAsync(municipality, "Wmo-aanvraag"), "Household help and meals at home.");
        await run.ReceiveAsync(municipality, support);
    }

    // Abdi: Dutch lessons accepted after a referral sent by mistake; shelter through the Wmo failed.
    private static async Task AbdiAsync(Run run)
    {
        var coordinator = await run.MemberAsync("osman.celik@wijkteam-transvaal.example");
        var welfare = await run.MemberAsync("rachid.moussaoui@welzijn-zuidwest.example");
        var language = await run.MemberAsync("hasna.elidrissi@taalhuis-zuidwest.example");
        var municipality = await run.MemberAsync("souad.haddaoui@servicepunt-denhaag.example");
        var abdi = await run.ServiceUserAsync(coordinator, DemoCases.AbdiPlan);

        var dutch = await run.NeedAsync(coordinator, abdi, LifeDomain.Language);
        var mistake = await run.ReferAsync(coordinator, dutch, await run.ConsentAsync(coordinator, abdi, welfare, LifeDomain.Language),
            await run.ServiceAsync(welfare, "Taalcafé"), "Wants to learn Dutch.");
        await run.EnteredInErrorAsync(coordinator, mistake, "Sent to the language café by mistake; he needs a beginners' course.");
        var course = await run.ReferAsync(coordinator, dutch, await run.ConsentAsync(coordinator, abdi, language, LifeDomain.Language),
            await run.ServiceAsync(language, "Nederlands voor beginners"), "Wants to learn Dutch; speaks Somali and Arabic.");
        await run.AcceptAsync(language, await run.ReceiveAsync(language, course), "Starts in the next group.");

        var shelter = await run.NeedAsync(coordinator, abdi, LifeDomain.Housing);
        var wmo = await run.ReferAsync(coordinator, shelter, await run.ConsentAsync(coordinator, abdi, municipality, LifeDomain.Housing),
            await run.ServiceAsync(municipality, "Wmo-aanvraag"), "Sleeps at different friends' places.");
        wmo = await run.AcceptAsync(municipality, await run.ReceiveAsync(municipality, wmo), "Assessment started.");
        await run.FailAsync(municipality, wmo, ReferralFailureReason.NotSuitable, "Without a residence permit there is no Wmo shelter; the night shelter is the way.");
    }

    private async Task<bool> ReferralsExistAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals.AnyAsync(cancellationToken);
    }

    // The referrals service learns the directory's services from its events, which the outbox sends after start: the
    // first referral to a service waits (briefly) until its copy arrived, rather than fail NOT_FOUND on a fresh start.
    private Task AwaitKnownServiceAsync(string serviceId, CancellationToken cancellationToken) =>
        EventuallyAsync(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Services.AnyAsync(s => s.Id == serviceId, cancellationToken) ? serviceId : null;
        }, $"The referrals service did not learn the directory's service '{serviceId}'", cancellationToken);

    // What arrives by event: asked again every 100 ms until it is there, for at most the directory wait.
    private async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string failure, CancellationToken cancellationToken)
        where T : class
    {
        var until = time.GetUtcNow() + DirectoryWait;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (time.GetUtcNow() > until)
            {
                throw new TimeoutException($"{failure} within {DirectoryWait}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private async Task<Professional> ProfessionalAsync(string email, CancellationToken cancellationToken)
    {
        var standing = await directory.FindForSignInAsync(email, cancellationToken)
            ?? throw new InvalidOperationException($"The demo directory has no active member '{email}'.");
        return new Professional(standing, new Metadata { { "authorization", $"Bearer {tokens.Issue(standing)}" } });
    }

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>One professional of the demo, with the development token the calls carry.</summary>
    private sealed record Professional(MemberStanding Standing, Metadata Headers);

    /// <summary>One seeding run: the clients on the loopback channel and the professionals' calls.</summary>
    private sealed class Run(DemoReferrals owner, GrpcChannel channel, CancellationToken cancellationToken)
    {
        private readonly ReferralsService.ReferralsServiceClient _referrals = new(channel);
        private readonly ConsentsService.ConsentsServiceClient _consents = new(channel);
        private readonly CasesService.CasesServiceClient _cases = new(channel);
        private readonly OrganizationsService.OrganizationsServiceClient _organizations = new(channel);
        private readonly SpannersService.SpannersServiceClient _spanners = new(channel);
        private readonly Dictionary<string, Professional> _members = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>How many referrals the run created (redirects included).</summary>
        public int Created { get; private set; }

        public async Task<Professional> MemberAsync(string email)
        {
            if (!_members.TryGetValue(email, out var member))
            {
                member = _members[email] = await owner.ProfessionalAsync(email, cancellationToken);
            }

            return member;
        }

        // The hand-written person's case among those the coordinator coordinates (a generated caseload may share them).
        public async Task<string> ServiceUserAsync(Professional coordinator, string plan)
        {
            var request = new ListCasesRequest { PageSize = 200 };
            while (true)
            {
                var page = await _cases.ListCasesAsync(request, As(coordinator));
                if (page.Cases.FirstOrDefault(c => c.Plan == plan) is { } found)
                {
                    return found.ServiceUserId;
                }

                request.PageToken = page.NextPageToken.Length > 0 ? page.NextPageToken : throw new InvalidOperationException($"No case with the plan '{plan}'.");
            }
        }

        public async Task<string> NeedAsync(Professional caller, string serviceUserId, LifeDomain domain) =>
            (await _cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = serviceUserId, LifeDomains = { domain } }, As(caller))).Needs.First().Id;

        public async Task<string> ServiceAsync(Professional receiver, string name)
        {
            var request = new ListServicesRequest { OrganizationId = receiver.Standing.OrganizationId, PageSize = 200 };
            var service = (await _organizations.ListServicesAsync(request, As(receiver))).Services.FirstOrDefault(s => s.Name == name)
                ?? throw new InvalidOperationException($"The demo directory has no active service '{name}'.");
            await owner.AwaitKnownServiceAsync(service.Id, cancellationToken);
            return service.Id;
        }

        // A REFERRAL consent the service user gave the receiver's organization, recorded by the coordinating organization.
        public async Task<string> ConsentAsync(Professional coordinator, string serviceUserId, Professional receiver, params LifeDomain[] domains) =>
            (await _consents.GrantConsentAsync(new GrantConsentRequest
            {
                Consent = new Consent
                {
                    ServiceUserId = serviceUserId,
                    OrganizationId = receiver.Standing.OrganizationId,
                    Purpose = ConsentPurpose.Referral,
                    LifeDomains = { domains },
                    Method = ConsentMethod.Verbal,
                },
                RequestId = NewRequestId(),
            }, As(coordinator))).Consent.Id;

        public async Task<Referral> ReferAsync(
            Professional sender, string needId, string consentId, string serviceId, string note, bool acceptWait = false, ReferralPriority priority = ReferralPriority.Routine)
        {
            var referral = (await _referrals.CreateReferralAsync(new CreateReferralRequest
            {
                Referral = new Referral { NeedId = needId, ConsentId = consentId, ToServiceId = serviceId, Note = note, Priority = priority },
                AcceptWait = acceptWait,
                RequestId = NewRequestId(),
            }, As(sender))).Referral;
            Created++;
            return referral;
        }

        public async Task<Referral> ReceiveAsync(Professional receiver, Referral referral) =>
            (await _referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = referral.Id, Etag = referral.Etag, RequestId = NewRequestId() }, As(receiver))).Referral;

        public async Task<Referral> AcceptAsync(Professional receiver, Referral referral, string note) =>
            (await _referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = referral.Id, Etag = referral.Etag, Note = note, RequestId = NewRequestId() }, As(receiver))).Referral;

        public async Task<Referral> StartAsync(Professional receiver, Referral referral, string note) =>
            (await _referrals.StartReferralAsync(new StartReferralRequest { Id = referral.Id, Etag = referral.Etag, Note = note, RequestId = NewRequestId() }, As(receiver))).Referral;

        public async Task<Referral> CompleteAsync(Professional receiver, Referral referral, ReferralOutcome outcome, string note) =>
            (await _referrals.CompleteReferralAsync(new CompleteReferralRequest { Id = referral.Id, Etag = referral.Etag, Outcome = outcome, Note = note, RequestId = NewRequestId() }, As(receiver))).Referral;

        // Declines with a redirect and answers the referral the redirect opened.
        public async Task<Referral> DeclineAsync(Professional receiver, Referral referral, ReferralDeclineReason reason, string note, string redirectServiceId)
        {
            var response = await _referrals.DeclineReferralAsync(new DeclineReferralRequest
            {
                Id = referral.Id, Etag = referral.Etag, Reason = reason, Note = note, RedirectServiceId = redirectServiceId, RequestId = NewRequestId(),
            }, As(receiver));
            Created++;
            return response.RedirectReferral;
        }

        public async Task<Referral> HoldAsync(Professional receiver, Referral referral, TimeSpan expectedIn, string note) =>
            (await _referrals.HoldReferralAsync(new HoldReferralRequest
            {
                Id = referral.Id, Etag = referral.Etag, ExpectedResumeTime = Timestamp.FromDateTimeOffset(owner.Now + expectedIn), Note = note, RequestId = NewRequestId(),
            }, As(receiver))).Referral;

        public async Task<Referral> CancelAsync(Professional sender, Referral referral, string note) =>
            (await _referrals.CancelReferralAsync(new CancelReferralRequest { Id = referral.Id, Etag = referral.Etag, Note = note, RequestId = NewRequestId() }, As(sender))).Referral;

        public async Task<Referral> FailAsync(Professional receiver, Referral referral, ReferralFailureReason reason, string note) =>
            (await _referrals.FailReferralAsync(new FailReferralRequest { Id = referral.Id, Etag = referral.Etag, Reason = reason, Note = note, RequestId = NewRequestId() }, As(receiver))).Referral;

        public async Task<Referral> EnteredInErrorAsync(Professional sender, Referral referral, string note) =>
            (await _referrals.MarkReferralEnteredInErrorAsync(new MarkReferralEnteredInErrorRequest { Id = referral.Id, Etag = referral.Etag, Note = note, RequestId = NewRequestId() }, As(sender))).Referral;

        public async Task<BoundarySpanner> SpannerAsync(
            Professional supporter, string name, SpannerKind kind, string[] languages, string[] neighbourhoods, LifeDomain[] domains, int places, DateOnly certificate,
            BoundarySpanner? backup = null) =>
            (await _spanners.RegisterSpannerAsync(new RegisterSpannerRequest
            {
                Spanner = new BoundarySpanner
                {
                    DisplayName = name,
                    Kind = kind,
                    Phone = "+31 70 000 0000",
                    Languages = { languages },
                    Neighbourhoods = { neighbourhoods },
                    LifeDomains = { domains },
                    MaxServiceUsers = places,
                    HoursPerWeek = 4,
                    BackupSpannerId = backup?.Id ?? "",
                    ConductCertificateDate = new CalendarDate { Year = certificate.Year, Month = certificate.Month, Day = certificate.Day },
                },
                RequestId = NewRequestId(),
            }, As(supporter))).Spanner;

        public Task CheckInAsync(Professional supporter, BoundarySpanner spanner, int score, string note) =>
            _spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = spanner.Id, Score = score, Note = note, RequestId = NewRequestId() }, As(supporter)).ResponseAsync;

        // The first spanner proposed for a need at risk, once the proposal reached the coordinator's at-risk list (it
        // travels as events: the detection to the spanners service, the proposal back to the referrals service).
        public Task<string> ProposedSpannerAsync(Professional coordinator, string needId) =>
            owner.EventuallyAsync(async () =>
            {
                var needs = (await _referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest { PageSize = 200 }, As(coordinator))).Needs;
                return needs.FirstOrDefault(n => n.NeedId == needId)?.ProposedSpanners.FirstOrDefault()?.SpannerId;
            }, "No spanner was proposed for the need at risk", cancellationToken);

        // A spanner proposed as the service user's constant contact and agreed to by the spanner and the service user.
        public async Task ConstantContactAsync(Professional coordinator, Professional supporter, string serviceUserId, string needId, string spannerId, string note)
        {
            var proposed = (await _spanners.AssignSpannerAsync(new AssignSpannerRequest
            {
                Assignment = new SpannerAssignment { SpannerId = spannerId, ServiceUserId = serviceUserId, NeedId = needId, ConstantContact = true, Note = note },
                RequestId = NewRequestId(),
            }, As(coordinator))).Assignment;
            var agreed = (await _spanners.ConfirmSpannerAssignmentAsync(
                new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.Spanner, RequestId = NewRequestId() }, As(supporter))).Assignment;
            await _spanners.ConfirmSpannerAssignmentAsync(
                new ConfirmSpannerAssignmentRequest { Id = agreed.Id, Etag = agreed.Etag, Party = AssignmentParty.ServiceUser, RequestId = NewRequestId() }, As(coordinator));
        }

        private static string NewRequestId() => Guid.NewGuid().ToString();

        private CallOptions As(Professional member) => new(member.Headers, DateTime.UtcNow + CallDeadline, cancellationToken);
    }
}
