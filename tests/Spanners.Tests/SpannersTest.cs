using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Spanners.Data;

namespace ReferralNet.Spanners.Tests;

/// <summary>
/// Base of the spanners tests: a social neighbourhood team coordinating a service user's case, supporting organizations
/// with spanners, and the calls that propose, agree to and hand over assignments. Each test lives in its own neighbourhood
/// (and, where ranking matters, speaks its own language), so the spanners other tests register never outrank its own.
/// </summary>
public abstract class SpannersTest(SpannersFixture fixture) : NetworkTest(fixture)
{
    /// <summary>How long a test waits for what the services keep from each other's events; it measures nothing.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    protected SpannersService.SpannersServiceClient Spanners => new(Channel);

    /// <summary>This test's neighbourhood.</summary>
    protected string Neighbourhood { get; } = $"wijk-{Guid.NewGuid():N}"[..21];

    /// <summary>A service user of this test's neighbourhood speaking <paramref name="languages"/>, with an open case of a new team and a debt need.</summary>
    protected async Task<Coordinated> CoordinatedAsync(string[]? languages = null, Practice? team = null)
    {
        team ??= await NewPracticeAsync();
        var registration = RegistrationOf(team);
        registration.ServiceUser.Neighbourhood = Neighbourhood;
        registration.ServiceUser.Languages.Clear();
        registration.ServiceUser.Languages.Add(languages ?? ["ar", "nl"]);
        var user = (await ServiceUsers.RegisterServiceUserAsync(registration, team.Call)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        var need = (await Cases.RecordNeedAsync(new RecordNeedRequest
        {
            Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.Urgent, Description = "Schulden bij energie en zorgverzekeraar." },
        }, team.Call)).Need;
        return new Coordinated(team, user, opened, need);
    }

    /// <summary>A welfare organization that supports spanners, with a professional.</summary>
    protected Task<Practice> SupporterAsync(OrganizationKind kind = OrganizationKind.Welfare) => NewPracticeAsync(kind, "community-worker");

    /// <summary>A spanner of <paramref name="supporter"/>: an Arabic- and Dutch-speaking volunteer for debts and loneliness in this test's neighbourhood.</summary>
    protected async Task<BoundarySpanner> SpannerAsync(Practice supporter, Action<BoundarySpanner>? change = null, string requestId = "")
    {
        var spanner = SpannerOf(change);
        return (await Spanners.RegisterSpannerAsync(new RegisterSpannerRequest { Spanner = spanner, RequestId = requestId }, supporter.Call)).Spanner;
    }

    protected BoundarySpanner SpannerOf(Action<BoundarySpanner>? change = null)
    {
        var today = Clock.Now.UtcDateTime;
        var spanner = new BoundarySpanner
        {
            DisplayName = Unique("Samira"),
            Kind = SpannerKind.Volunteer,
            Phone = "+31 6 1234 5678",
            Languages = { "ar", "nl" },
            Neighbourhoods = { Neighbourhood },
            LifeDomains = { LifeDomain.Debt, LifeDomain.Social },
            MaxServiceUsers = 3,
            HoursPerWeek = 6,
            ConductCertificateDate = new CalendarDate { Year = today.Year - 1, Month = today.Month, Day = Math.Min(today.Day, 28) },
        };
        change?.Invoke(spanner);
        return spanner;
    }

    /// <summary>The coordinator proposes <paramref name="spanner"/> to the service user.</summary>
    protected async Task<SpannerAssignment> ProposeAsync(Coordinated coordinated, BoundarySpanner spanner, bool constantContact = true, string requestId = "") =>
        (await Spanners.AssignSpannerAsync(new AssignSpannerRequest
        {
            Assignment = new SpannerAssignment
            {
                SpannerId = spanner.Id, ServiceUserId = coordinated.User.Id, NeedId = coordinated.Need.Id, ConstantContact = constantContact, Note = "Wil graag hulp met post en brieven.",
            },
            RequestId = requestId,
        }, coordinated.Team.Call)).Assignment;

    /// <summary>Records both agreements: the spanner's by its organization, the service user's by the coordinator.</summary>
    protected async Task<SpannerAssignment> AgreeAsync(SpannerAssignment proposed, Practice supporter, Coordinated coordinated)
    {
        var agreed = (await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.Spanner }, supporter.Call)).Assignment;
        return (await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = agreed.Id, Etag = agreed.Etag, Party = AssignmentParty.ServiceUser }, coordinated.Team.Call)).Assignment;
    }

    /// <summary>A spanner proposed and agreed to: the service user's active assignment.</summary>
    protected async Task<SpannerAssignment> AssignedAsync(Coordinated coordinated, BoundarySpanner spanner, Practice supporter, bool constantContact = true) =>
        await AgreeAsync(await ProposeAsync(coordinated, spanner, constantContact), supporter, coordinated);

    /// <summary>Every match for the service user, all pages, best first.</summary>
    protected async Task<List<SpannerMatch>> MatchAllAsync(Coordinated coordinated, bool languageRequired = false)
    {
        var matches = new List<SpannerMatch>();
        var token = "";
        do
        {
            var page = await Spanners.MatchSpannersAsync(
                new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, NeedId = coordinated.Need.Id, LanguageRequired = languageRequired, PageSize = 50, PageToken = token },
                coordinated.Team.Call);
            matches.AddRange(page.Matches);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return matches;
    }

    /// <summary>The spanner as its own organization reads it now.</summary>
    protected async Task<BoundarySpanner> ReadAsync(BoundarySpanner spanner, Practice supporter) =>
        (await Spanners.GetSpannerAsync(new GetSpannerRequest { Id = spanner.Id }, supporter.Call)).Spanner;

    /// <summary>The events of <paramref name="type"/> the spanners service has in its outbox about <paramref name="aggregateId"/>, oldest first.</summary>
    protected async Task<List<T>> OutboxAsync<T>(string aggregateId)
        where T : IMessage<T>, new()
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpannersDbContext>();
        return (await db.Outbox.AsNoTracking().Where(m => m.EventType == new T().Descriptor.FullName).OrderBy(m => m.Position).ToListAsync())
            .Select(m => new MessageParser<T>(() => new T()).ParseFrom(m.Payload))
            .Where(e => e.Descriptor.Fields.InDeclarationOrder()[0].Accessor.GetValue(e)?.ToString() == aggregateId)
            .ToList();
    }
}

/// <summary>A coordinating team, its service user, the open case and a debt need.</summary>
public sealed record Coordinated(Practice Team, ServiceUser User, Case Case, Need Need);
