using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ReferralNet.Contracts.V1;
using ReferralNet.Testing;

namespace ReferralNet.Benchmark;

/// <summary>
/// Grows the demo directory through the public API (CreateService as each demo organization's org-admin), so that
/// search can be measured on a directory the size of a real city's, not only on the demo's few dozen services.
/// </summary>
internal static class DirectoryGrowth
{
    // Dutch and English plus three community languages of The Hague ("pap" is Papiamento).
    private static readonly string[] Languages = ["nl", "en", "ar", "tr", "pap"];

    /// <summary>Adds <paramref name="count"/> services, spread over organizations, life domains, neighbourhoods and languages.</summary>
    /// <returns>The failed calls.</returns>
    public static async Task<int> AddServicesAsync(ServerProcess server, int count, int callers)
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var admin = ReferralNetFixture.Bearer(server.Info.NetworkAdminToken);
        var organizations = await OrganizationsAsync(directory, admin);

        // The neighbourhoods the demo organizations work in, so that the new services compete with the demo's own.
        var neighbourhoods = organizations.SelectMany(o => o.Neighbourhoods).Distinct().Order(StringComparer.Ordinal).ToArray();
        var lifeDomains = System.Enum.GetValues<LifeDomain>().Where(d => d != LifeDomain.Unspecified).ToArray();
        var orgAdmins = server.Info.OrgAdmins;
        var next = -1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var orgAdmin = orgAdmins[i % orgAdmins.Count];
                try
                {
                    await directory.CreateServiceAsync(
                        new CreateServiceRequest { RequestId = $"benchmark-directory-{i}", Service = Generated(i, orgAdmin.OrganizationId, lifeDomains, neighbourhoods) },
                        ReferralNetFixture.Bearer(orgAdmin.Token));
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref failed);
                    Load.Failures.AddOrUpdate(("adding services (--services)", e.StatusCode), 1, (_, n) => n + 1);
                }
            }
        }));
        return failed;
    }

    /// <summary>Organizations and services (active) in the directory, counted through the API.</summary>
    public static async Task<(int Organizations, int Services)> SizeAsync(ServerProcess server)
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var admin = ReferralNetFixture.Bearer(server.Info.NetworkAdminToken);
        var organizations = await OrganizationsAsync(directory, admin);
        var services = 0;
        foreach (var organization in organizations)
        {
            var page = "";
            do
            {
                var response = await directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Id, PageSize = 200, PageToken = page }, admin);
                services += response.Services.Count;
                page = response.NextPageToken;
            }
            while (page.Length > 0);
        }

        return (organizations.Count, services);
    }

    /// <summary>The search the benchmark measures: debt help in Moerwijk, in Arabic if possible.</summary>
    public static SearchServicesRequest Search() => new() { LifeDomains = { LifeDomain.Debt }, Neighbourhood = "moerwijk", Language = "ar" };

    /// <summary>How long one search takes alone; the first one after a change of the directory rebuilds the server's index.</summary>
    public static async Task<TimeSpan> TimeSearchAsync(ServerProcess server)
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(server.Channel);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await directory.SearchServicesAsync(Search(), ReferralNetFixture.Bearer(server.Info.ProfessionalToken));
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    // Domain, neighbourhood and language step at their own pace (i, i / 12, i / 7), so their combinations mix instead
    // of repeating in lock-step, and every domain gets its share of every neighbourhood.
    private static Service Generated(int i, string organizationId, LifeDomain[] lifeDomains, string[] neighbourhoods)
    {
        var lifeDomain = lifeDomains[i % lifeDomains.Length];
        var eligibility = new Eligibility();
        var area = i / lifeDomains.Length % (neighbourhoods.Length + 1);
        var neighbourhood = area < neighbourhoods.Length ? neighbourhoods[area] : "city-wide";
        if (area < neighbourhoods.Length)
        {
            eligibility.Neighbourhoods.Add(neighbourhood);
        }

        // Some services are for adults only, some for young people, as in the demo directory.
        switch (i % 9)
        {
            case 0:
                eligibility.MinAge = 18;
                break;
            case 1:
                eligibility.MaxAge = 23;
                break;
        }

        var language = Languages[i / 7 % Languages.Length];
        var service = new Service
        {
            OrganizationId = organizationId,
            Name = $"Benchmark {lifeDomain} {neighbourhood} {i}",
            Description = "Added by the benchmark (--services) to measure search on a large directory.",
            LifeDomains = { lifeDomain },
            Eligibility = eligibility,
            Capacity = new Capacity { OpenPlaces = i % 4 == 0 ? 0 : 1 + (i % 20), TypicalWaitDays = i % 45 },
            AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromDays(1 + (i % 14))),
        };

        // A second life domain on every third service, as many demo services help in two.
        if (i % 3 == 0 && lifeDomains[(i / 3 + 5) % lifeDomains.Length] is var second && second != lifeDomain)
        {
            service.LifeDomains.Add(second);
        }

        service.Languages.Add(language);
        if (language != "nl" && i % 2 == 0)
        {
            service.Languages.Add("nl");
        }

        return service;
    }

    /// <summary>Every organization of the directory, page by page.</summary>
    public static async Task<List<Organization>> OrganizationsAsync(OrganizationsService.OrganizationsServiceClient directory, CallOptions admin)
    {
        var organizations = new List<Organization>();
        var page = "";
        do
        {
            var response = await directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 200, PageToken = page }, admin);
            organizations.AddRange(response.Organizations);
            page = response.NextPageToken;
        }
        while (page.Length > 0);
        return organizations;
    }
}
