using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using ReferralNet.Platform.Hosting;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// The workload token this process sends when it calls another service. With an authority it is obtained by the
/// OAuth client-credentials grant (client id <see cref="AuthOptions.WorkloadName"/>); otherwise this process signs it with
/// the key it checks tokens with (development issuer or <see cref="AuthOptions.SigningKey"/>). A token is reused until
/// four fifths of its lifetime have passed.
/// </summary>
public sealed class WorkloadTokens
{
    /// <summary>The HTTP client name used for the authority's token endpoint.</summary>
    public const string AuthorityClient = "referralnet-authority";

    private readonly AuthOptions _settings;
    private readonly SigningKeyStore _keys;
    private readonly DevTokenIssuer _devTokens;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _authority;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly string? _name;
    private readonly ConcurrentDictionary<string, Issued> _issued = new(StringComparer.Ordinal);

    /// <summary>Creates the token source of this process.</summary>
    public WorkloadTokens(IOptions<AuthOptions> options, IOptions<ReferralNetOptions> process, SigningKeyStore keys, DevTokenIssuer devTokens, IHttpClientFactory http, TokenClock clock)
    {
        _settings = options.Value;
        _keys = keys;
        _devTokens = devTokens;
        _http = http;
        _time = clock.Time;
        _name = NameOf(_settings, process.Value);
        if (_settings.Authority is { } authority)
        {
            _ = Name;
            _authority = new ConfigurationManager<OpenIdConnectConfiguration>(
                authority.TrimEnd('/') + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(http.CreateClient(AuthorityClient)) { RequireHttps = true });
        }
    }

    /// <summary>This process's workload name.</summary>
    public string Name => _name ?? throw new InvalidOperationException("Set ReferralNet:Auth:WorkloadName: this process calls other services and must name itself in its workload tokens.");

    /// <summary>
    /// A workload token valid for a while yet, naming this process, or, in a process that runs several services under no
    /// configured name (the embedded shape, which signs its own tokens), <paramref name="callingService"/>: the service
    /// that makes the call, as it would be named in its own Deployment.
    /// </summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken, string? callingService = null)
    {
        var name = _name ?? callingService ?? Name;
        if (_issued.TryGetValue(name, out var current) && _time.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (!_issued.TryGetValue(name, out var fresh) || now >= fresh.RenewAt)
            {
                var (token, lifetime) = _authority is null ? (SelfIssued(name, now), _settings.WorkloadTokenLifetime) : await ClientCredentialsAsync(_authority, cancellationToken);
                _issued[name] = fresh = new Issued(token, now + (lifetime * 4 / 5));
            }

            return fresh.Token;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>The workload name from configuration, or the one service this process runs.</summary>
    public static string? NameOf(AuthOptions settings, ReferralNetOptions process) =>
        settings.WorkloadName is { Length: > 0 } name ? name : process.Services is [var only] ? only : null;

    private string SelfIssued(string name, DateTimeOffset now) =>
        _settings.DevIssuer
            ? _devTokens.IssueWorkload(name)
            : SignedToken.Create(
                _settings.Issuer ?? throw new InvalidOperationException("ReferralNet:Auth:Issuer is required with ReferralNet:Auth:SigningKey."),
                _settings.WorkloadAudience,
                _keys.ConfiguredKey!,
                now,
                _settings.WorkloadTokenLifetime,
                [new Claim(Workload.NameClaim, name)]);

    private async Task<(string Token, TimeSpan Lifetime)> ClientCredentialsAsync(ConfigurationManager<OpenIdConnectConfiguration> authority, CancellationToken cancellationToken)
    {
        var endpoint = (await authority.GetConfigurationAsync(cancellationToken)).TokenEndpoint;
        using var response = await _http.CreateClient(AuthorityClient).PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Name,
            ["client_secret"] = _settings.WorkloadClientSecret ?? throw new InvalidOperationException("ReferralNet:Auth:WorkloadClientSecret is required with an authority."),
            ["scope"] = _settings.WorkloadScope ?? $"{_settings.WorkloadAudience}/.default",
        }), cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        return answer is { AccessToken: { Length: > 0 } token, ExpiresIn: > 0 }
            ? (token, TimeSpan.FromSeconds(answer.ExpiresIn))
            : throw new InvalidOperationException("The authority's token endpoint answered without an access token or its lifetime.");
    }

    private sealed record Issued(string Token, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
