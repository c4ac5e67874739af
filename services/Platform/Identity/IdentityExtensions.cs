using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Hosting;

namespace ReferralNet.Platform.Identity;

/// <summary>Registers JWT bearer authentication, the default-deny member policy, the workload policy and the membership cache.</summary>
public static class IdentityExtensions
{
    /// <summary>The configuration key of the organizations service's address, for processes that do not run it.</summary>
    public const string OrganizationsPeerKey = "ReferralNet:Peers:Organizations";

    /// <summary>
    /// Every endpoint requires an active member unless it is mapped with AllowAnonymous (health, reflection) or carries
    /// <c>[Authorize(Policy = Workload.Policy)]</c> (internal RPCs, workload tokens only). Where memberships are read
    /// from is the service's choice: the organizations module registers its own database, other processes call
    /// <see cref="AddOrganizationsPeer"/>.
    /// </summary>
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

        if (auth.Audience == auth.WorkloadAudience)
        {
            throw new InvalidOperationException("ReferralNet:Auth:Audience and ReferralNet:Auth:WorkloadAudience must differ: member and workload tokens must never be mistaken for each other.");
        }

        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton<SigningKeyStore>();
        services.TryAddSingleton(services => new TokenClock(services.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<DevTokenIssuer>();
        services.TryAddSingleton<MembershipCache>();
        services.TryAddSingleton<CallerRecheck>();
        services.AddMembershipEvents();
        services.AddSingleton<ActiveMemberHandler>();
        services.AddSingleton<IAuthorizationHandler>(provider => provider.GetRequiredService<ActiveMemberHandler>());
        services.AddSingleton<IAuthorizationHandler, WorkloadHandler>();
        services.AddSingleton<IAuthorizationHandler, MemberOrWorkloadHandler>();
        services.TryAddSingleton<GrpcAuthorizationResults>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyStore, TokenClock>((jwt, keys, clock) =>
            {
                jwt.MapInboundClaims = false;

                // Nothing reads the token back from the authentication properties; storing it cost every call a copy.
                jwt.SaveToken = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new RememberedTokens(new JsonWebTokenHandler { MapInboundClaims = false }, clock));
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

                    // Either kind is authenticated here; the policies tell them apart by audience (TokenAudience).
                    ValidAudiences = [auth.Audience, auth.WorkloadAudience],
                    IssuerSigningKeys = signingKeys,
                    NameClaimType = Caller.Claims.Member,
                    RoleClaimType = Caller.Claims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),

                    // Token lifetimes follow the injected clock, like every other expiry (design rule 7), but not an
                    // operator's move of the domain's time (see TokenClock).
                    LifetimeValidator = (notBefore, expires, _, parameters) => EnsureWithinLifetime(notBefore, expires, clock.Time.GetUtcNow().UtcDateTime, parameters.ClockSkew),
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveMemberRequirement())
                .Build())
            .AddPolicy(Workload.Policy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new WorkloadRequirement()))
            .AddPolicy(Workload.MemberOrWorkloadPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new MemberOrWorkloadRequirement()));
        return services;
    }

    /// <summary>
    /// For a process that does not run the organizations service: memberships are read from the organizations service at
    /// <c>ReferralNet:Peers:Organizations</c> (or through the Dapr sidecar, app id <c>organizations</c>) through its
    /// CheckMembership RPC, with this process's workload token.
    /// </summary>
    public static WebApplicationBuilder AddOrganizationsPeer(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var process = builder.Configuration.GetSection(ReferralNetOptions.Section).Get<ReferralNetOptions>() ?? new ReferralNetOptions();
        if (WorkloadTokens.NameOf(auth, process) is null)
        {
            throw new InvalidOperationException("Set ReferralNet:Auth:WorkloadName: this process asks the organizations service about its callers and must name itself.");
        }

        builder.Services.AddWorkloadTokens();
        builder.AddPeerClient<Contracts.V1.OrganizationsService.OrganizationsServiceClient>(
            PeerMembershipSource.ClientName, "organizations", OrganizationsPeerKey, "which checks the members behind every call");
        builder.Services.AddSingleton<IMembershipSource, PeerMembershipSource>();
        return builder;
    }

    /// <summary>The workload tokens this process sends when it calls another service (and the authority client they may need).</summary>
    public static IServiceCollection AddWorkloadTokens(this IServiceCollection services)
    {
        services.AddHttpClient(WorkloadTokens.AuthorityClient);
        services.TryAddSingleton<WorkloadTokens>();
        return services;
    }

    // Throws the library's own exceptions, so a refusal says why (the door audit records TOKEN_EXPIRED, not just invalid).
    private static bool EnsureWithinLifetime(DateTime? notBefore, DateTime? expires, DateTime now, TimeSpan skew)
    {
        if (expires is not { } end)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (end <= now - skew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {end:O}.") { Expires = end };
        }

        if (notBefore is { } start && start > now + skew)
        {
            throw new SecurityTokenNotYetValidException($"The token is valid from {start:O}.") { NotBefore = start };
        }

        return true;
    }
}
