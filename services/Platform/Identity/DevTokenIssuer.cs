using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReferralNet.Platform.Identity;

/// <summary>Signs development tokens for members of the directory (embedded shape and tests only).</summary>
public sealed class DevTokenIssuer(IOptions<AuthOptions> options, SigningKeyStore keys, TimeProvider time)
{
    /// <summary>A signed token for <paramref name="member"/>.</summary>
    public string Issue(MemberStanding member)
    {
        var settings = options.Value;
        if (!settings.DevIssuer)
        {
            throw new InvalidOperationException("The development token issuer is disabled (ReferralNet:Auth:DevIssuer).");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevIssuerName,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.DevTokenLifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(Caller.Claims.Member, member.MemberId),
                new Claim(Caller.Claims.Organization, member.OrganizationId),
                new Claim(Caller.Claims.Role, RoleNames.Of(member.Role)),
            ]),
            SigningCredentials = new SigningCredentials(keys.DevKey, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
