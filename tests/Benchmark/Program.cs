using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using ReferralNet.Contracts.V1;
using ReferralNet.Testing;

// Measures ReferralNet on this machine: every scenario runs with the same callers for the same time, rounds alternate
// between scenarios, and each result is reported as a median over rounds and as a ratio to the bare health Check
// measured in the same run (the machine is noisy; ratios travel, absolute numbers do not).
// Usage: dotnet run -c Release --project tests/Benchmark -- [--callers 64] [--seconds 5] [--rounds 3] [--only <scenario name part>]
var callers = Option("--callers", 64);
var seconds = Option("--seconds", 5);
var rounds = Option("--rounds", 3);

var host = new SqliteFixture();
await host.InitializeAsync();
var channel = host.Channel;
var health = new Health.HealthClient(channel);
var directory = new OrganizationsService.OrganizationsServiceClient(channel);
var admin = await host.NetworkAdminAsync();
var adminCall = host.As(admin);

// A professional and an org-admin of a demo organization, and ids to read.
var organizations = (await directory.ListOrganizationsAsync(new ListOrganizationsRequest { Kind = OrganizationKind.DebtCounselling }, adminCall)).Organizations;
var organization = organizations[0];
var members = (await directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Id }, adminCall)).Members;
var orgAdmin = members.First(m => m.Role == MemberRole.OrgAdmin);
var professional = members.First(m => m.Role == MemberRole.Professional);
var professionalCall = host.As(new(professional.Id, organization.Id, ReferralNet.Platform.Identity.MemberRole.Professional, true));
var orgAdminCall = host.As(new(orgAdmin.Id, organization.Id, ReferralNet.Platform.Identity.MemberRole.OrgAdmin, true));
var search = new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = "moerwijk", Language = "ar" };

var scenarios = new (string Name, Func<Task> Call)[]
{
    ("health Check, liveness (baseline)", async () => await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })),
    ("GetOrganization (token + member check + read)", async () => await directory.GetOrganizationAsync(new GetOrganizationRequest { Id = organization.Id }, professionalCall)),
    ("SearchServices debt/moerwijk/ar", async () => await directory.SearchServicesAsync(search, professionalCall)),
    ("GetMember (audited read, group commit)", async () => await directory.GetMemberAsync(new GetMemberRequest { Id = professional.Id }, professionalCall)),
    ("CreateService (entity + outbox + audit + request id)", async () => await directory.CreateServiceAsync(new CreateServiceRequest
    {
        RequestId = Guid.NewGuid().ToString(),
        Service = new Service
        {
            OrganizationId = organization.Id, Name = "Benchmark service", LifeDomains = { LifeDomain.Parenting }, Languages = { "nl" }, // not what the search scenario asks for
            Capacity = new Capacity { OpenPlaces = 1 }, AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromDays(3)),
        },
    }, orgAdminCall)),
};

var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
if (only is not null)
{
    scenarios = [.. scenarios.Where((s, i) => i == 0 || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];
}

Console.WriteLine($"ReferralNet benchmark: {callers} callers, {seconds} s per scenario, {rounds} rounds, {Environment.ProcessorCount} cores, client and server in one process, SQLite (synchronous=NORMAL)");
var results = scenarios.ToDictionary(s => s.Name, _ => new List<Result>());
foreach (var scenario in scenarios)
{
    await RunAsync(scenario.Call, callers, TimeSpan.FromSeconds(1)); // warm-up
}

for (var round = 0; round < rounds; round++)
{
    foreach (var scenario in scenarios)
    {
        results[scenario.Name].Add(await RunAsync(scenario.Call, callers, TimeSpan.FromSeconds(seconds)));
    }
}

var baseline = Median(results[scenarios[0].Name].Select(r => r.CallsPerSecond));
Console.WriteLine();
Console.WriteLine($"{"scenario",-55} {"calls/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"vs baseline",12}");
foreach (var (name, rows) in results)
{
    var rate = Median(rows.Select(r => r.CallsPerSecond));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-55} {rate,10:F0} {Median(rows.Select(r => r.P50)),8:F2} {Median(rows.Select(r => r.P99)),8:F2} {rows.Sum(r => r.Errors),7} {rate / baseline,11:P1}"));
}

await host.DisposeAsync();
return results.Values.Sum(rows => rows.Sum(r => r.Errors)) == 0 ? 0 : 1;

static async Task<Result> RunAsync(Func<Task> call, int callers, TimeSpan duration)
{
    var latencies = new List<double>[callers];
    var errors = 0;
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
    {
        var mine = latencies[caller] = new List<double>(4096);
        while (stopwatch.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await call();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }));
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all.Length / stopwatch.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Result(double CallsPerSecond, double P50, double P99, int Errors);

