using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ReferralNet.Platform.Identity;

/// <summary>Registers JWT bearer authentication and the default-deny authorization policy.</summary>
public static class IdentityExtensions
{
    /// <summary>Every endpoint requires an active member unless it is mapped with AllowAnonymous (health, reflection).</summary>
    public static IServiceCollection AddCallerIdentity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.DevIssuer && environment.IsProduction())
        {
            throw new InvalidOperationException("ReferralNet:Auth:DevIssuer must not be enabled in the Production environment.");
        }

        if (!auth.DevIssuer && string.IsNullOrEmpty(auth.Authority) && string.IsNullOrEmpty(auth.SigningKey))
        {
            throw new InvalidOperationException("Configure ReferralNet:Auth:Authority or ReferralNet:Auth:SigningKey (or enable DevIssuer outside Production).");
        }

        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton<SigningKeyStore>();
        services.TryAddSingleton<DevTokenIssuer>();
        services.AddSingleton<IAuthorizationHandler, ActiveMemberHandler>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyStore>((jwt, keys) =>
            {
                jwt.MapInboundClaims = false;
                jwt.Authority = auth.Authority;
                jwt.RequireHttpsMetadata = auth.Authority is not null;
                var issuers = new List<string>();
                var signingKeys = new List<SecurityKey>();
                if (auth.Issuer is not null)
                {
                    issuers.Add(auth.Issuer);
                }

                if (keys.ConfiguredKey is not null)
                {
                    signingKeys.Add(keys.ConfiguredKey);
                }

                if (auth.DevIssuer)
                {
                    issuers.Add(AuthOptions.DevIssuerName);
                    signingKeys.Add(keys.DevKey);
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = issuers,
                    ValidateIssuer = true,
                    ValidAudience = auth.Audience,
                    IssuerSigningKeys = signingKeys,
                    NameClaimType = Caller.Claims.Member,
                    RoleClaimType = Caller.Claims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveMemberRequirement())
                .Build());
        return services;
    }
}
