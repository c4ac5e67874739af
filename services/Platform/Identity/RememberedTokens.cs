using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// Validates bearer tokens with <paramref name="inner"/> and remembers the ones that passed, so a client that sends one
/// token on every call has its signature checked and its claims parsed once rather than on every call. What can change
/// after a token was accepted is checked again on every call: its lifetime (on the token clock, by the parameters' own
/// lifetime rule), and that the key that signed it, its issuer and one of its audiences are still trusted by the call's
/// parameters (an authority's keys rotate). A token that fails is never remembered, so every refusal keeps its reason.
/// Each call gets its own copy of the claims.
/// </summary>
internal sealed class RememberedTokens(TokenHandler inner, TokenClock clock) : TokenHandler
{
    // About one token per active member and hour in a busy process; a token not remembered is only validated again.
    internal const int Capacity = 10_000;

    private readonly MemoryCache _accepted = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_accepted.TryGetValue(token, out Accepted? accepted) && accepted!.StillTrustedBy(validationParameters))
        {
            return accepted.Result();
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        var remainingLife = result.SecurityToken is { } validated ? validated.ValidTo + validationParameters.ClockSkew - clock.Time.GetUtcNow().UtcDateTime : TimeSpan.Zero;
        if (result.IsValid && remainingLife > TimeSpan.Zero && Accepted.From(result) is { } fresh)
        {
            _accepted.Set(token, fresh, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = remainingLife });
        }
        else
        {
            _accepted.Remove(token);
        }

        return result;
    }

    private sealed record Accepted(SecurityToken Token, SecurityKey SigningKey, ClaimsIdentity Identity, string Issuer, string[] Audiences, string TokenType)
    {
        // The identity kept is a copy: the first call's principal is the validator's own.
        public static Accepted? From(TokenValidationResult result) =>
            result.SecurityToken is { SigningKey: { } key } token && result.ClaimsIdentity is { } identity
                ? new Accepted(token, key, identity.Clone(), token.Issuer, AudiencesOf(result), result.TokenType)
                : null;

        public bool StillTrustedBy(TokenValidationParameters parameters)
        {
            // A custom rule for keys, issuers or audiences cannot be asked again here: then every call validates afresh.
            if (parameters.IssuerSigningKeyResolver is not null || parameters.IssuerValidator is not null || parameters.AudienceValidator is not null)
            {
                return false;
            }

            var keyTrusted = ReferenceEquals(parameters.IssuerSigningKey, SigningKey) || parameters.IssuerSigningKeys?.Contains(SigningKey) == true;
            var issuerTrusted = !parameters.ValidateIssuer || parameters.ValidIssuer == Issuer || parameters.ValidIssuers?.Contains(Issuer) == true;
            var audienceTrusted = !parameters.ValidateAudience || Audiences.Any(audience => parameters.ValidAudience == audience || parameters.ValidAudiences?.Contains(audience) == true);
            return keyTrusted && issuerTrusted && audienceTrusted && WithinLifetime(parameters);
        }

        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };

        private bool WithinLifetime(TokenValidationParameters parameters)
        {
            if (!parameters.ValidateLifetime)
            {
                return true;
            }

            DateTime? notBefore = Token.ValidFrom == DateTime.MinValue ? null : Token.ValidFrom;
            DateTime? expires = Token.ValidTo == DateTime.MinValue ? null : Token.ValidTo;
            try
            {
                if (parameters.LifetimeValidator is { } rule)
                {
                    return rule(notBefore, expires, Token, parameters);
                }

                Validators.ValidateLifetime(notBefore, expires, Token, parameters);
                return true;
            }
            catch (SecurityTokenException)
            {
                // The token is validated afresh, which refuses it with the precise reason.
                return false;
            }
        }

        private static string[] AudiencesOf(TokenValidationResult result) =>
            result.SecurityToken is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt ? [.. jwt.Audiences] : [];
    }
}
