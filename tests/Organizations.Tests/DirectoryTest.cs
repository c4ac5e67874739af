using System.Security.Claims;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Organizations.Data;
using ReferralNet.Platform.Audit;
using AuthOptions = ReferralNet.Platform.Identity.AuthOptions;
using RoleNames = ReferralNet.Platform.Identity.RoleNames;
using SigningKeyStore = ReferralNet.Platform.Identity.SigningKeyStore;
using MemberStanding = ReferralNet.Platform.Identity.MemberStanding;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Tests;

/// <summary>Base of the directory tests: <see cref="HostTest"/> plus services and the directory's own database.</summary>
public abstract class DirectoryTest(ReferralNetFixture fixture) : HostTest(fixture)
{
    /// <summary>A neighbourhood code no other test uses, so search results can be told apart.</summary>
    protected static string UniqueNeighbourhood() => $"testwijk-{Guid.NewGuid():N}"[..30];

    /// <summary>A valid service of <paramref name="organizationId"/> to start from.</summary>
    protected static Service ServiceSpec(string organizationId, params LifeDomain[] domains) => new()
    {
        OrganizationId = organizationId,
        Name = Unique("Schuldhulp spreekuur"),
        Description = "Walk-in debt advice.",
        LifeDomains = { domains.Length > 0 ? domains : [LifeDomain.Debt] },
        Eligibility = new Eligibility { MinAge = 18 },
        Languages = { "nl", "ar" },
        Capacity = new Capacity { OpenPlaces = 5, TypicalWaitDays = 10 },
        AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromHours(72)),
    };

    protected async Task<Service> NewServiceAsync(TestOrganization organization, Action<Service>? change = null)
    {
        var spec = ServiceSpec(organization.Organization.Id);
        change?.Invoke(spec);
        return (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin)).Service;
    }

    /// <summary>Reads the directory's own database the way the service does.</summary>
    protected async Task<T> InDatabase<T>(Func<OrganizationsDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>());
    }

    /// <summary>The audit records of one subject, oldest first.</summary>
    protected Task<List<AuditRecord>> AuditOf(string subjectId) =>
        InDatabase(db => db.AuditTrail.AsNoTracking().Where(a => a.SubjectId == subjectId).OrderBy(a => a.Sequence).ToListAsync());

    /// <summary>Call options with a token for <paramref name="member"/> signed with <paramref name="key"/> (the development key by default).</summary>
    protected CallOptions Token(MemberStanding member, SecurityKey? key = null, DateTime? expires = null, string issuer = AuthOptions.DevIssuerName, string audience = "referralnet")
    {
        var now = DateTime.UtcNow;
        return ReferralNetFixture.Bearer(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("sub", member.MemberId), new Claim("org", member.OrganizationId), new Claim("role", RoleNames.Of(member.Role))]),
            SigningCredentials = new SigningCredentials(key ?? Fixture.Services.GetRequiredService<SigningKeyStore>().DevKey, SecurityAlgorithms.HmacSha256),
        }));
    }

}
