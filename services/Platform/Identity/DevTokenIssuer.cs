using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReferralNet.Platform.Identity;

/// <summary>Signs development tokens for members of the directory and for workloads (embedded shape and tests only).</summary>
public sealed class DevTokenIssuer(IOptions<AuthOptions> options, SigningKeyStore keys, TokenClock clock)
{
    /// <summary>A signed member token for <paramref name="member"/>.</summary>
    public string Issue(MemberStanding member) =>
        Sign(Settings.Audience, Settings.DevTokenLifetime,
        [
            new Claim(Caller.Claims.Member, member.MemberId),
            new Claim(Caller.Claims.Organization, member.OrganizationId),
            new Claim(Caller.Claims.Role, RoleNames.Of(member.Role)),
        ]);

    /// <summary>A signed workload token for the service <paramref name="workload"/>.</summary>
    public string IssueWorkload(string workload) =>
        Sign(Settings.WorkloadAudience, Settings.WorkloadTokenLifetime, [new Claim(Workload.NameClaim, workload)]);

    private AuthOptions Settings => options.Value.DevIssuer
        ? options.Value
        : throw new InvalidOperationException("The development token issuer is disabled (ReferralNet:Auth:DevIssuer).");

    private string Sign(string audience, TimeSpan lifetime, Claim[] claims) =>
        SignedToken.Create(AuthOptions.DevIssuerName, audience, keys.DevKey, clock.Time.GetUtcNow(), lifetime, claims);
}

/// <summary>The one way ReferralNet signs a token itself (development tokens, self-issued workload tokens).</summary>
internal static class SignedToken
{
    public static string Create(string issuer, string audience, SecurityKey key, DateTimeOffset now, TimeSpan lifetime, Claim[] claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
}
