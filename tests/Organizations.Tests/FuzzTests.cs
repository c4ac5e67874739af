using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// Random field values (odd strings, out-of-range numbers and enums, extreme timestamps) against the writing RPCs:
/// every answer is a deliberate status, the server logs no error, and only successful calls leave rows behind.
/// </summary>
public abstract class FuzzTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private static readonly StatusCode[] Deliberate =
        [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.FailedPrecondition, StatusCode.AlreadyExists, StatusCode.NotFound, StatusCode.PermissionDenied];

    private static readonly string[] Pieces =
        ["", " ", "moerwijk", "nl", "ar", "a", "Ω", "\0", "\u0007", "\n", "\t", "'; DROP TABLE members;--", "%", "_", "\\", "😀", "\uD800", "ﷺ", "مرحبا", "x@y.z", "https://a.example", "-", "+31 70"];

    private readonly Random _random = new(4242);

    [SkippableFact]
    public async Task Random_organizations_get_deliberate_statuses_and_failures_store_nothing()
    {
        var admin = await NetworkAdminAsync();
        var before = await InDatabase(db => db.Organizations.CountAsync());
        var created = 0;
        for (var i = 0; i < 150; i++)
        {
            var request = new CreateOrganizationRequest
            {
                Organization = new Organization
                {
                    Name = Text(), Kind = (OrganizationKind)_random.Next(-2, 15), Description = Text(),
                    Website = Text(), Email = Text(), Phone = Text(), Neighbourhoods = { List() },
                },
                FirstAdmin = _random.Next(3) == 0 ? new FirstAdmin { DisplayName = Text(), Email = Text(), Languages = { List() } } : null,
            };
            created += await CallAsync(() => Directory.CreateOrganizationAsync(request, admin).ResponseAsync);
        }

        Assert.Equal(before + created, await InDatabase(db => db.Organizations.CountAsync()));
    }

    [SkippableFact]
    public async Task Random_services_members_and_searches_get_deliberate_statuses_and_failures_store_nothing()
    {
        var organization = await NewOrganizationAsync();
        var created = 0;
        for (var i = 0; i < 150; i++)
        {
            var service = ServiceSpec(organization.Organization.Id);
            service.Name = _random.Next(2) == 0 ? Text() : service.Name;
            service.LifeDomains.Add((LifeDomain)_random.Next(-1, 15));
            service.Eligibility = new Eligibility { MinAge = Number(), MaxAge = Number(), Neighbourhoods = { List() } };
            service.Languages.Add(List());
            service.Capacity = _random.Next(5) == 0 ? null : new Capacity { OpenPlaces = Number(), TypicalWaitDays = Number() };
            service.AcknowledgementDeadline = new Duration { Seconds = Long(), Nanos = Number() };
            service.ActiveStartTime = _random.Next(2) == 0 ? null : new Timestamp { Seconds = Long(), Nanos = Number() };
            service.ActiveEndTime = _random.Next(2) == 0 ? null : new Timestamp { Seconds = Long(), Nanos = Number() };
            created += await CallAsync(() => Directory.CreateServiceAsync(new CreateServiceRequest { Service = service }, organization.Admin).ResponseAsync);

            var member = new Member
            {
                OrganizationId = organization.Organization.Id, DisplayName = Text(), Email = _random.Next(2) == 0 ? Text() : $"m{i}-{Guid.NewGuid():N}@fuzz.test",
                Role = (MemberRole)_random.Next(-1, 6), Profession = Text(), Languages = { List() },
                StartTime = _random.Next(2) == 0 ? null : new Timestamp { Seconds = Long(), Nanos = Number() },
            };
            created += await CallAsync(() => Directory.CreateMemberAsync(new CreateMemberRequest { Member = member }, organization.Admin).ResponseAsync);

            var search = new SearchServicesRequest
            {
                LifeDomains = { (LifeDomain)_random.Next(-1, 15) }, Neighbourhood = Text(), Language = Text(),
                LanguageRequired = _random.Next(2) == 0, ServiceUserAge = Number(), PageSize = Number(), PageToken = _random.Next(4) == 0 ? Text() : "",
            };
            await CallAsync(() => Directory.SearchServicesAsync(search, organization.Admin).ResponseAsync);
        }

        var stored = await InDatabase(async db =>
            await db.Services.CountAsync(s => s.OrganizationId == organization.Organization.Id)
            + await db.Members.CountAsync(m => m.OrganizationId == organization.Organization.Id));
        Assert.Equal(created + 1, stored);
    }

    private async Task<int> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return 1;
        }
        catch (RpcException error)
        {
            Assert.True(Deliberate.Contains(error.StatusCode), $"{error.Status}");
            return 0;
        }
    }

    private string Text() => _random.Next(8) switch
    {
        0 => "",
        1 => new string((char)_random.Next(0, 0xFFFF), _random.Next(1, 300)),
        _ => string.Concat(Enumerable.Range(0, _random.Next(1, 6)).Select(_ => Pieces[_random.Next(Pieces.Length)])),
    };

    private IEnumerable<string> List() => Enumerable.Range(0, _random.Next(0, _random.Next(10) == 0 ? 80 : 4)).Select(_ => Text()).ToList();

    private int Number() => _random.Next(6) switch
    {
        0 => int.MinValue,
        1 => int.MaxValue,
        2 => -1,
        _ => _random.Next(0, 200),
    };

    private long Long() => _random.Next(5) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => _random.NextInt64(-100_000_000_000, 100_000_000_000),
        _ => _random.NextInt64(3600, 90 * 86400),
    };
}

[Collection(SqliteCollection.Name)]
public sealed class FuzzTestsOnSqlite(SqliteFixture fixture) : FuzzTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class FuzzTestsOnPostgres(PostgresFixture fixture) : FuzzTests(fixture);
