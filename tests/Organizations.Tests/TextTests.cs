using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// Names and e-mail addresses look like what they are: one Unicode form, nothing invisible or direction-changing in
/// them, and two addresses that render alike are one address.
/// </summary>
public abstract class TextTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    public static TheoryData<int> HiddenCharacters =>
    [
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, // bidi embeddings and overrides
        0x2066, 0x2067, 0x2068, 0x2069, // bidi isolates
        0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, // zero-width space, non-joiner, joiner, word joiner, BOM
        0x200E, 0x200F, 0x00AD, 0x061C, // direction marks, soft hyphen, Arabic letter mark
        0x2028, 0xE000, 0x3164, 0xE0041, // line separator, private use, Hangul filler, tag letter A
    ];

    [SkippableTheory]
    [MemberData(nameof(HiddenCharacters))]
    public async Task Names_and_e_mail_addresses_refuse_invisible_and_direction_changing_characters(int codePoint)
    {
        var hidden = char.ConvertFromUtf32(codePoint);
        var networkAdmin = await NetworkAdminAsync();
        var organization = await NewOrganizationAsync();
        var expected = $"U+{codePoint:X4}";

        var calls = new (string Field, Func<Task> Call)[]
        {
            ("organization.name", () => Directory.CreateOrganizationAsync(new CreateOrganizationRequest
            {
                Organization = new Organization { Name = $"Wijkteam{hidden} Escamp", Kind = OrganizationKind.Welfare },
            }, networkAdmin).ResponseAsync),
            ("organization.email", () => Directory.CreateOrganizationAsync(new CreateOrganizationRequest
            {
                Organization = new Organization { Name = Unique("Wijkteam"), Kind = OrganizationKind.Welfare, Email = $"info{hidden}@wijkteam.test" },
            }, networkAdmin).ResponseAsync),
            ("first_admin.display_name", () => Directory.CreateOrganizationAsync(new CreateOrganizationRequest
            {
                Organization = new Organization { Name = Unique("Wijkteam"), Kind = OrganizationKind.Welfare },
                FirstAdmin = new FirstAdmin { DisplayName = $"Anna{hidden} de Vries", Email = $"anna-{Guid.NewGuid():N}@org.test" },
            }, networkAdmin).ResponseAsync),
            ("first_admin.email", () => Directory.CreateOrganizationAsync(new CreateOrganizationRequest
            {
                Organization = new Organization { Name = Unique("Wijkteam"), Kind = OrganizationKind.Welfare },
                FirstAdmin = new FirstAdmin { DisplayName = "Anna de Vries", Email = $"anna{hidden}-{Guid.NewGuid():N}@org.test" },
            }, networkAdmin).ResponseAsync),
            ("service.name", () => Directory.CreateServiceAsync(new CreateServiceRequest
            {
                Service = WithName(ServiceSpec(organization.Organization.Id), $"Schuldhulp{hidden} spreekuur"),
            }, organization.Admin).ResponseAsync),
            ("member.display_name", () => Directory.CreateMemberAsync(new CreateMemberRequest { Member = Person(organization, $"Sam{hidden} Jansen") }, organization.Admin).ResponseAsync),
            ("member.email", () => Directory.CreateMemberAsync(new CreateMemberRequest
            {
                Member = Person(organization, "Sam Jansen", $"sam{hidden}.{Guid.NewGuid():N}@org.test"),
            }, organization.Admin).ResponseAsync),
        };

        foreach (var (field, call) in calls)
        {
            var error = await FailsWith(StatusCode.InvalidArgument, call);
            var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
            Assert.Equal(field, violation.Field);
            Assert.Contains(expected, violation.Description, StringComparison.Ordinal);
        }

        Assert.False(await InDatabase(db => db.Members.AnyAsync(m => m.DisplayName.Contains(hidden) || m.Email.Contains(hidden))));
        Assert.False(await InDatabase(db => db.Organizations.AnyAsync(o => o.Name.Contains(hidden))));
    }

    [SkippableFact]
    public async Task Names_are_stored_in_one_unicode_form()
    {
        var organization = await NewOrganizationAsync();
        const string decomposed = "Ame\u0301lie Zoe\u0308 Dubois";
        const string composed = "Am\u00e9lie Zo\u00eb Dubois";

        var member = (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = Person(organization, decomposed) }, organization.Admin)).Member;
        var service = (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = WithName(ServiceSpec(organization.Organization.Id), $"Caf\u0065\u0301 {Guid.NewGuid():N}") }, organization.Admin)).Service;
        var renamed = (await Directory.UpdateOrganizationAsync(new UpdateOrganizationRequest
        {
            Organization = new Organization { Id = organization.Organization.Id, Etag = organization.Organization.Etag, Name = $"  Wijkteam Ge\u0301ne\u0301rique {Guid.NewGuid():N}  " },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }, organization.Admin)).Organization;

        Assert.Equal(composed, member.DisplayName);
        Assert.Equal(composed, (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, organization.Admin)).Member.DisplayName);
        Assert.StartsWith("Caf\u00e9 ", service.Name, StringComparison.Ordinal);
        Assert.StartsWith("Wijkteam G\u00e9n\u00e9rique ", renamed.Name, StringComparison.Ordinal);
        Assert.True(renamed.Name.IsNormalized());

        // Scripts and punctuation that names really have pass as they are.
        foreach (var name in new[] { "\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621", "Zo\u00eb O'Neill-Bakker", "\u015eule \u00d6zt\u00fcrk", "\u0141ucja Wi\u015bniewska" })
        {
            Assert.Equal(name, (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = Person(organization, name) }, organization.Admin)).Member.DisplayName);
        }
    }

    [SkippableFact]
    public async Task E_mail_addresses_that_render_alike_are_one_address()
    {
        var organization = await NewOrganizationAsync();
        var tag = Guid.NewGuid().ToString("N")[..12];
        var stored = (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = Person(organization, "Ren\u00e9 Kees", $"  Ren\u00e9.Kees.{tag}@Wijkteam.Test ") }, organization.Admin)).Member;
        Assert.Equal($"ren\u00e9.kees.{tag}@wijkteam.test", stored.Email);

        var lookalikes = new[]
        {
            $"rene\u0301.kees.{tag}@wijkteam.test", // the accent as a combining mark
            $"REN\u00c9.KEES.{tag}@WIJKTEAM.TEST", // another case
            $"ren\u00e9.\u212Aees.{tag}@wijkteam.test", // the Kelvin sign for K
            $"\uFF52\uFF45\uFF4E\u00e9.kees.{tag}@\uFF57ijkteam.test", // fullwidth letters
            $"ren\u00e9.kee\u017F.{tag}@wijkteam.test", // long s
        };
        foreach (var email in lookalikes)
        {
            await FailsWith(StatusCode.AlreadyExists, "EMAIL_TAKEN", () => Directory.CreateMemberAsync(
                new CreateMemberRequest { Member = Person(organization, "Imitator", email) }, organization.Admin).ResponseAsync);
        }

        Assert.Equal(1, await InDatabase(db => db.Members.CountAsync(m => m.Email.Contains(tag))));
    }

    [SkippableFact]
    public async Task A_name_is_measured_in_the_form_it_is_stored_in()
    {
        var organization = await NewOrganizationAsync();

        // U+0958 is one character that NFC writes as two: 200 of them would not fit the 200-character column.
        await InvalidField("member.display_name", () => Directory.CreateMemberAsync(
            new CreateMemberRequest { Member = Person(organization, new string('\u0958', 200)) }, organization.Admin).ResponseAsync);
        await InvalidField("member.email", () => Directory.CreateMemberAsync(
            new CreateMemberRequest { Member = Person(organization, "Sam Jansen", "a@b\uFE6Bc.test") }, organization.Admin).ResponseAsync);
        var fits = (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = Person(organization, new string('\u0958', 100)) }, organization.Admin)).Member;
        Assert.Equal(200, fits.DisplayName.Length);
    }

    private static Member Person(TestOrganization organization, string name, string? email = null) => new()
    {
        OrganizationId = organization.Organization.Id,
        DisplayName = name,
        Email = email ?? $"person-{Guid.NewGuid():N}@org.test",
        Role = MemberRole.Professional,
        Profession = "social-worker",
        Languages = { "nl" },
    };

    private static Service WithName(Service service, string name)
    {
        service.Name = name;
        return service;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class TextTestsOnSqlite(SqliteFixture fixture) : TextTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class TextTestsOnPostgres(PostgresFixture fixture) : TextTests(fixture);
