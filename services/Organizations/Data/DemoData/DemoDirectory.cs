using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Organizations.Events;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Organizations.Data.DemoData;

/// <summary>
/// Seeds the fictional directory of The Hague (hague-directory.json) on first start of the embedded shape.
/// Dates in the file are relative to the seeding day, so ended and not-yet-active services stay so.
/// Runs once: it does nothing when any organization besides the network office exists.
/// </summary>
internal static class DemoDirectory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task SeedAsync(OrganizationsDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Organizations.AnyAsync(o => o.Kind != OrganizationKind.NetworkOffice, cancellationToken))
        {
            return;
        }

        await using var stream = typeof(DemoDirectory).Assembly.GetManifestResourceStream("hague-directory.json")
            ?? throw new InvalidOperationException("The demo directory resource is missing.");
        var file = await JsonSerializer.DeserializeAsync<DirectoryFile>(stream, Json, cancellationToken)
            ?? throw new InvalidOperationException("The demo directory is empty.");
        foreach (var entry in file.Organizations)
        {
            var organization = new Organization(
                new OrganizationDetails(entry.Name, entry.Kind, entry.Description, entry.Website, entry.Email, entry.Phone, entry.Neighbourhoods), now);
            db.Organizations.Add(organization);
            db.AddEvent(organization.ChangedEvent(), now);
            foreach (var s in entry.Services)
            {
                var service = new Service(organization, new ServiceDetails(
                    s.Name, s.Description, s.LifeDomains, new Eligibility(s.MinAge, s.MaxAge, s.EligibleNeighbourhoods), s.Languages,
                    s.OpenPlaces, s.TypicalWaitDays, TimeSpan.FromHours(s.AcknowledgementHours),
                    now.AddDays(-s.ActiveFromDaysAgo), s.ActiveUntilDaysFromNow is { } days ? now.AddDays(days) : null), now);
                db.Services.Add(service);
                db.AddEvent(service.ChangedEvent(now), now);
            }

            foreach (var m in entry.Members)
            {
                var member = new Member(organization, new MemberDetails(m.DisplayName, m.Email, m.Role, m.Profession, m.Languages), now, now);
                db.Members.Add(member);
                db.AddEvent(member.ChangedEvent(now), now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed record DirectoryFile(List<OrganizationEntry> Organizations);

    private sealed record OrganizationEntry(
        string Name, OrganizationKind Kind, string Description, string Website, string Email, string Phone,
        List<string> Neighbourhoods, List<ServiceEntry> Services, List<MemberEntry> Members);

    private sealed record ServiceEntry(
        string Name, string Description, List<LifeDomain> LifeDomains, int? MinAge, int? MaxAge, List<string> EligibleNeighbourhoods,
        List<string> Languages, int OpenPlaces, int TypicalWaitDays, int AcknowledgementHours, int ActiveFromDaysAgo, int? ActiveUntilDaysFromNow);

    private sealed record MemberEntry(string DisplayName, string Email, MemberRole Role, string Profession, List<string> Languages);
}
