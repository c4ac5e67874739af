using System.Collections.Concurrent;
using Grpc.Core;
using ReferralNet.Contracts.V1;
using ReferralNet.Testing;

namespace ReferralNet.Benchmark;

/// <summary>
/// The referral scenarios' world: a professional of the Moerwijk social neighbourhood team coordinates the cases of
/// Moerwijk residents and refers their debt needs, under a REFERRAL consent for debts, to an intake service of the demo's
/// debt counselling organization, whose professional accepts them. A create needs a need without an open referral to
/// the service, an accept a REQUESTED referral and its etag; both are recorded through the API before each warm-up slice
/// and round (<see cref="PrepareCreatesAsync"/>, <see cref="PrepareAcceptsAsync"/>), so a round measures its call alone.
/// </summary>
internal sealed class ReferralWork
{
    /// <summary>Where the service users live: the debt counselling organization's services take Moerwijk residents.</summary>
    public const string Neighbourhood = "moerwijk";

    // A real caseload has a few needs per person; more would make each service user's reads (visible needs, consents)
    // unlike a real one's, fewer would make the setup mostly registrations.
    private const int NeedsPerServiceUser = 8;

    // Setup calls run with this many callers: enough to use the server's group commit, few enough that the setup's
    // own queueing does not time out.
    private const int SetupCallers = 32;

    private readonly CasesService.CasesServiceClient _cases;
    private readonly ServiceUsersService.ServiceUsersServiceClient _serviceUsers;
    private readonly ConsentsService.ConsentsServiceClient _consents;
    private readonly ReferralsService.ReferralsServiceClient _referrals;
    private readonly CallOptions _coordinator;
    private readonly CallOptions _receiver;
    private readonly string _teamId;
    private readonly string _receiverId;
    private readonly Service _service;

    // Needs waiting for a create, and REQUESTED referrals waiting for an accept; each call takes one.
    private readonly ConcurrentQueue<(string NeedId, string ConsentId)> _needs = new();
    private readonly ConcurrentQueue<Referral> _requested = new();
    private int _serviceUserNumber;

    private ReferralWork(ServerProcess server, Service service)
    {
        _cases = new(server.Channel);
        _serviceUsers = new(server.Channel);
        _consents = new(server.Channel);
        _referrals = new(server.Channel);
        _coordinator = ReferralNetFixture.Bearer(server.Info.CoordinatorToken);
        _receiver = ReferralNetFixture.Bearer(server.Info.ProfessionalToken);
        _teamId = server.Info.CoordinatorOrganizationId;
        _receiverId = server.Info.OrganizationId;
        _service = service;
    }

    /// <summary>The service referred to, by name, for the report.</summary>
    public string ServiceName => _service.Name;

    /// <summary>Whether a service takes the scenarios' debt needs: active, for debts, open places, Moerwijk adults of 40 to 80.</summary>
    public static bool TakesTheServiceUsers(Service service) =>
        service.Status == ServiceStatus.Active && service.LifeDomains.Contains(LifeDomain.Debt)
        && (service.Eligibility is null || ((service.Eligibility.Neighbourhoods.Count == 0 || service.Eligibility.Neighbourhoods.Contains(Neighbourhood))
            && (!service.Eligibility.HasMinAge || service.Eligibility.MinAge <= 40) && (!service.Eligibility.HasMaxAge || service.Eligibility.MaxAge >= 80)))
        && service.Capacity is { OpenPlaces: > 0 };

    /// <summary>
    /// Finds the debt counselling organization's open debt service for Moerwijk adults and waits until the referrals
    /// service knows it: it learns services from the directory's ServiceChanged events, which the outbox delivers
    /// after the server started listening.
    /// </summary>
    public static async Task<ReferralWork> StartAsync(ServerProcess server)
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var admin = ReferralNetFixture.Bearer(server.Info.NetworkAdminToken);
        var services = (await directory.ListServicesAsync(new ListServicesRequest { OrganizationId = server.Info.OrganizationId, PageSize = 200 }, admin)).Services;
        var service = services.FirstOrDefault(TakesTheServiceUsers)
            ?? throw new InvalidOperationException($"The benchmark's debt counselling organization has no active debt service for {Neighbourhood} adults with open places.");

        var work = new ReferralWork(server, service);

        // One need and referral prove the service known; until then a create is NOT_FOUND for the service.
        await work.PrepareNeedsAsync(1);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                work._needs.TryPeek(out var need);
                await work.CreateAsync(need);
                work._needs.TryDequeue(out _);
                return work;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Records needs until at least <paramref name="count"/> wait for a create.</summary>
    public Task PrepareCreatesAsync(int count) => PrepareNeedsAsync(count - _needs.Count);

    /// <summary>Creates referrals until at least <paramref name="count"/> REQUESTED ones wait for an accept.</summary>
    public async Task PrepareAcceptsAsync(int count)
    {
        var missing = count - _requested.Count;
        if (missing <= 0)
        {
            return;
        }

        await PrepareCreatesAsync(missing);
        await InParallelAsync(missing, async () =>
        {
            if (_needs.TryDequeue(out var need))
            {
                _requested.Enqueue(await CreateAsync(need));
            }
        });
    }

    /// <summary>The measured create: the coordinator refers the next prepared need.</summary>
    public Task Create() => CreateAsync(Take(_needs, "needs"));

    /// <summary>The measured accept: the receiver's professional accepts the next REQUESTED referral at its etag.</summary>
    public async Task Accept()
    {
        var referral = Take(_requested, "REQUESTED referrals");
        await _referrals.AcceptReferralAsync(new AcceptReferralRequest
        {
            Id = referral.Id, Etag = referral.Etag, Note = "Intake planned within two weeks.", RequestId = Guid.NewGuid().ToString(),
        }, _receiver);
    }

    // An empty pool is the benchmark's estimate of the rate falling short, not the server's failure: the round ends there.
    private static T Take<T>(ConcurrentQueue<T> pool, string what) => pool.TryDequeue(out var item)
        ? item
        : throw new PoolExhaustedException($"The benchmark prepared too few {what} for this round.");

    private async Task<Referral> CreateAsync((string NeedId, string ConsentId) need) =>
        (await _referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Referral = new Referral
            {
                NeedId = need.NeedId, ConsentId = need.ConsentId, ToServiceId = _service.Id,
                Note = "Arrears on energy and rent; asks for help with creditors.", Priority = ReferralPriority.Urgent,
            },
            RequestId = Guid.NewGuid().ToString(),
        }, _coordinator)).Referral;

    // Registers service users with an open case and a REFERRAL consent for debts to the receiver, and records their needs.
    private Task PrepareNeedsAsync(int count) =>
        count <= 0 ? Task.CompletedTask : InParallelAsync((count + NeedsPerServiceUser - 1) / NeedsPerServiceUser, async () =>
        {
            var number = Interlocked.Increment(ref _serviceUserNumber);
            var user = (await _serviceUsers.RegisterServiceUserAsync(new RegisterServiceUserRequest
            {
                // Distinct names and birth dates: the duplicate check compares them, and real residents differ.
                ServiceUser = new ServiceUser
                {
                    GivenName = "Benchmark", FamilyName = $"Resident {number}", Neighbourhood = Neighbourhood, Languages = { "nl" },
                    DateOfBirth = new CalendarDate { Year = 1950 + (number % 35), Month = 1 + (number % 12), Day = 1 + (number % 28) },
                },
                Consent = new Consent
                {
                    OrganizationId = _teamId, Purpose = ConsentPurpose.Coordination, LifeDomains = { LifeDomain.Debt, LifeDomain.Income },
                    Method = ConsentMethod.Written, EvidenceReference = $"benchmark intake {number}",
                },
                RequestId = Guid.NewGuid().ToString(),
            }, _coordinator)).ServiceUser;
            await _cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id }, RequestId = Guid.NewGuid().ToString() }, _coordinator);
            var consent = (await _consents.GrantConsentAsync(new GrantConsentRequest
            {
                Consent = new Consent
                {
                    ServiceUserId = user.Id, OrganizationId = _receiverId, Purpose = ConsentPurpose.Referral, LifeDomains = { LifeDomain.Debt },
                    Method = ConsentMethod.Verbal,
                },
                RequestId = Guid.NewGuid().ToString(),
            }, _coordinator)).Consent;
            for (var i = 0; i < NeedsPerServiceUser; i++)
            {
                var need = (await _cases.RecordNeedAsync(new RecordNeedRequest
                {
                    Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.Urgent, Description = $"Debt {i + 1}: arrears with a creditor." },
                    RequestId = Guid.NewGuid().ToString(),
                }, _coordinator)).Need;
                _needs.Enqueue((need.Id, consent.Id));
            }
        });

    private static Task InParallelAsync(int count, Func<Task> step)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, Math.Min(count, SetupCallers)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await step();
            }
        }));
    }
}
