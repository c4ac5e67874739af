using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using ReferralNet.Benchmark;
using ReferralNet.Contracts.V1;
using ReferralNet.Testing;

// Measures ReferralNet on this machine: every scenario runs with the same callers for the same time, rounds alternate
// between scenarios, and each result is reported as a median over rounds and as a ratio to the bare health Check
// measured in the same run (the machine is noisy; ratios travel, absolute numbers do not). The servers run in child
// processes, so their CPU time per call is measured apart from the load generator's.
// Usage: dotnet run -c Release --project tests/Benchmark -- [--callers 64] [--seconds 5] [--rounds 3] [--warmup 12]
//        [--services 0] [--service-users 10000] [--only <scenario name part>] (the referral scenarios run only with --only, e.g. --only Referral)
if (args.Contains(ServeMode.Argument))
{
    return await ServeMode.RunAsync();
}

var callers = Option("--callers", 64, min: 1);
var seconds = Option("--seconds", 5, min: 1);
var rounds = Option("--rounds", 3, min: 1);

// The JIT keeps compiling (tiered, then with profile data) for about 25 s of load; numbers taken before ~10 s of
// warm-up measure the compiler.
var warmup = Option("--warmup", 12, min: 0);
var addServices = Option("--services", 0, min: 0);

// Generated service users of the demo caseload (cases, needs, consents, care teams), seeded by the reads server before
// it listens; the network view scenario reads those its GP may see.
var serviceUsers = Option("--service-users", 10_000, min: 0);
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

// CreateService runs against a server process of its own, started from the same demo data. The search scenarios thus
// see one fixed directory (the demo's plus --services) in every round, whatever the order of scenarios, the number of
// rounds or the create rate; ordering alone would let one round's creates change the next round's search.
var specs = new (string Name, bool Writes, Func<ServerProcess, Func<Task>> Call)[]
{
    ("health Check, liveness (baseline)", false, server =>
    {
        var health = new Health.HealthClient(server.Channel);
        var request = new HealthCheckRequest { Service = "liveness" };
        return async () => await health.CheckAsync(request);
    }),
    ("GetOrganization (token + member check + read)", false, server =>
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var request = new GetOrganizationRequest { Id = server.Info.OrganizationId };
        var call = ReferralNetFixture.Bearer(server.Info.ProfessionalToken);
        return async () => await directory.GetOrganizationAsync(request, call);
    }),
    ("SearchServices debt/moerwijk/ar", false, server =>
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var request = DirectoryGrowth.Search();
        var call = ReferralNetFixture.Bearer(server.Info.ProfessionalToken);
        return async () => await directory.SearchServicesAsync(request, call);
    }),
    ("GetMember (audited read, group commit)", false, server =>
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var request = new GetMemberRequest { Id = server.Info.ProfessionalId };
        var call = ReferralNetFixture.Bearer(server.Info.ProfessionalToken);
        return async () => await directory.GetMemberAsync(request, call);
    }),
    ("GetNetworkView (audited, consent-filtered)", false, server =>
    {
        var networkView = new NetworkViewService.NetworkViewServiceClient(server.Channel);
        var requests = server.Info.GpServiceUserIds.Select(id => new GetNetworkViewRequest { ServiceUserId = id }).ToArray();
        var call = ReferralNetFixture.Bearer(server.Info.GpToken);
        var next = -1;
        return async () => await networkView.GetNetworkViewAsync(requests[(int)((uint)Interlocked.Increment(ref next) % requests.Length)], call);
    }),
    ("CreateService (entity + outbox + audit + request id)", true, server =>
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var organizationId = server.Info.OrganizationId;
        var call = ReferralNetFixture.Bearer(server.Info.OrgAdmins.Single(a => a.OrganizationId == organizationId).Token);
        return async () => await directory.CreateServiceAsync(new CreateServiceRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Service = new Service
            {
                OrganizationId = organizationId, Name = "Benchmark service", LifeDomains = { LifeDomain.Parenting }, Languages = { "nl" },
                Capacity = new Capacity { OpenPlaces = 1 }, AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromDays(3)),
            },
        }, call);
    }),
};

// The referral scenarios consume what they call on (a need takes one open referral to a service, a referral is accepted
// once), so before every warm-up slice and round the service users, needs and referrals for it are recorded through
// the API. That takes longer than the round, so they run only when --only names them (e.g. --only Referral). They share
// the writes server: the receiving service is one of the demo directory's, which CreateService does not change.
var referralSpecs = new (string Name, Func<ReferralWork, Func<Task>> Call, Func<ReferralWork, int, Task> Prepare)[]
{
    ("CreateReferral (consent over gRPC + write + audit)", work => work.Create, (work, count) => work.PrepareCreatesAsync(count)),
    ("AcceptReferral (etag + history + outbox + audit)", work => work.Accept, (work, count) => work.PrepareAcceptsAsync(count)),
};
if (only is not null)
{
    specs = [.. specs.Where((s, i) => i == 0 || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];
}

referralSpecs = only is null ? [] : [.. referralSpecs.Where(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];

var startingReads = ServerProcess.StartAsync("reads", serviceUsers);
var startingWrites = specs.Any(s => s.Writes) || referralSpecs.Length > 0 ? ServerProcess.StartAsync("writes") : null;
try
{
    var reads = await startingReads;
    var writes = startingWrites is null ? null : await startingWrites;

    var failedSetup = addServices > 0 ? await DirectoryGrowth.AddServicesAsync(reads, addServices, callers) : 0;
    var (organizationCount, serviceCount) = await DirectoryGrowth.SizeAsync(reads);

    // The directory changed since the server started (demo data, --services), so the first search builds its index.
    var firstSearch = await DirectoryGrowth.TimeSearchAsync(reads);
    var scenarios = specs.Select(s => s.Writes ? new Scenario(s.Name, writes!, s.Call(writes!)) : new Scenario(s.Name, reads, s.Call(reads))).ToArray();
    var referralWork = referralSpecs.Length > 0 ? await ReferralWork.StartAsync(writes!) : null;
    scenarios = [.. scenarios, .. referralSpecs.Select(s => new Scenario(s.Name, writes!, s.Call(referralWork!), count => s.Prepare(referralWork!, count)))];

    Console.WriteLine($"ReferralNet benchmark: {callers} callers, {seconds} s per scenario, {rounds} rounds, {warmup} s warm-up, {Environment.ProcessorCount} cores, SQLite (synchronous=NORMAL)");
    Console.WriteLine($"Directory searched: {serviceCount} active services in {organizationCount} organizations (demo data + {addServices} added by --services)");
    Console.WriteLine($"Service users: the demo's and {serviceUsers} generated (--service-users); the network view reads {reads.Info.GpServiceUserIds.Count} of those the GP's practice may see, in turn");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"First search (builds the search index of the directory): {firstSearch.TotalMilliseconds:F0} ms"));
    Console.WriteLine("Servers in child processes: one for the reads and search, one for CreateService and the referrals (so search sees the same directory in every round)");
    if (referralWork is not null)
    {
        Console.WriteLine($"Referrals: a Moerwijk social neighbourhood team refers debt needs to '{referralWork.ServiceName}'; needs and REQUESTED referrals are recorded through the API before each slice and round, outside the measurement");
    }

    Console.WriteLine("Server CPU per call: the server process's CPU time from the start of a round until it is idle again, over the calls of the round");
    Console.WriteLine("Client CPU per call: this process's CPU time during the round (callers, gRPC client, response parsing), over the calls of the round");

    // Each scenario is warmed in slices that alternate like the measured rounds, so every path is compiled under load.
    var warmupPerScenario = TimeSpan.FromSeconds(warmup) / scenarios.Length;
    var passes = (int)Math.Ceiling(warmupPerScenario.TotalSeconds);
    var failedWarmup = 0;
    for (var pass = 0; pass < passes; pass++)
    {
        foreach (var scenario in scenarios)
        {
            failedWarmup += await Load.WarmAsync(scenario, callers, warmupPerScenario / passes);
        }
    }

    var results = scenarios.ToDictionary(s => s.Name, _ => new List<Result>());
    for (var round = 0; round < rounds; round++)
    {
        foreach (var scenario in scenarios)
        {
            results[scenario.Name].Add(await Load.MeasureAsync(scenario, callers, TimeSpan.FromSeconds(seconds)));
        }
    }

    var baseline = Load.Median(results[scenarios[0].Name].Select(r => r.CallsPerSecond));
    Console.WriteLine();
    Console.WriteLine($"{"scenario",-55} {"calls/s",10} {"p50 ms",8} {"p99 ms",8} {"server CPU µs/call",19} {"client CPU µs/call",19} {"errors",7} {"vs baseline",12}");
    foreach (var (name, rows) in results)
    {
        var rate = Load.Median(rows.Select(r => r.CallsPerSecond));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-55} {rate,10:F0} {Load.Median(rows.Select(r => r.P50)),8:F2} {Load.Median(rows.Select(r => r.P99)),8:F2} {Load.Median(rows.Select(r => r.ServerCpuMicrosecondsPerCall)),19:F0} {Load.Median(rows.Select(r => r.ClientCpuMicrosecondsPerCall)),19:F0} {rows.Sum(r => r.Errors),7} {rate / baseline,11:P1}"));
    }

    foreach (var ((scenario, measured), count) in Load.EndedEarly.OrderBy(e => e.Key.Scenario, StringComparer.Ordinal))
    {
        Console.WriteLine($"ended early (what was prepared ran out; the rate is over the time run): {scenario}: {count} {(measured ? "measured rounds" : "warm-up slices")}");
    }

    // Work a round leaves behind (events, audit) is charged to it; a long tail means the rate was set by less than the
    // server's whole cost, and a round still busy at the limit means its CPU per call is a lower bound.
    foreach (var (scenario, waits) in Load.AfterRound.Where(a => a.Value.Any(w => w is null || w > TimeSpan.FromSeconds(1))).OrderBy(a => a.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"server busy after the rounds: {scenario}: {string.Join(", ", waits.Select(w => w is { } waited ? string.Create(CultureInfo.InvariantCulture, $"{waited.TotalSeconds:F1} s") : "still busy after 10 s"))}");
    }

    var serverErrors = await reads.StopAsync() + (writes is null ? 0 : await writes.StopAsync());
    foreach (var ((scenario, status), count) in Load.Failures.OrderBy(f => f.Key.Scenario, StringComparer.Ordinal))
    {
        Console.WriteLine($"failed: {scenario}: {status} x {count}");
    }

    if (failedSetup + failedWarmup + serverErrors > 0)
    {
        Console.WriteLine($"failed calls while adding services: {failedSetup}, in warm-up: {failedWarmup}; errors the servers logged: {serverErrors}");
    }

    return failedSetup + failedWarmup + serverErrors + results.Values.Sum(rows => rows.Sum(r => r.Errors)) == 0 ? 0 : 1;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    // Caught so that the servers below are stopped: an exception leaving Main would end the process without finally.
    await Console.Error.WriteLineAsync($"The benchmark failed: {e}");
    return 1;
}
finally
{
    // Whichever servers started are stopped, also when the other one failed to start.
    foreach (var starting in new[] { startingReads, startingWrites }.OfType<Task<ServerProcess>>())
    {
        await ((Task)starting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (starting.IsCompletedSuccessfully)
        {
            await starting.Result.DisposeAsync();
        }
    }
}

int Option(string name, int fallback, int min)
{
    var index = Array.IndexOf(args, name);
    var value = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    return value >= min ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {min}.");
}
