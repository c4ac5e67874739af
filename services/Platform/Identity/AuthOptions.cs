namespace ReferralNet.Platform.Identity;

/// <summary>Configuration section <c>ReferralNet:Auth</c>: who issues the bearer tokens ReferralNet accepts.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Auth";

    /// <summary>The issuer name of development tokens.</summary>
    public const string DevIssuerName = "referralnet-dev";

    /// <summary>OpenID Connect authority whose signing keys are trusted (production); optional.</summary>
    public string? Authority { get; set; }

    /// <summary>Expected issuer of production tokens when signed with <see cref="SigningKey"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Audience of member tokens (people calling the API).</summary>
    public string Audience { get; set; } = "referralnet";

    /// <summary>
    /// Audience of workload tokens (one service calling another). A token for this audience never acts as a member, and a
    /// member token never acts as a workload, so the authority must issue it to the services' client credentials only.
    /// </summary>
    public string WorkloadAudience { get; set; } = "referralnet-workloads";

    /// <summary>
    /// The workloads whose tokens internal RPCs accept, by the name their token's <c>azp</c> claim carries (the client id
    /// at the authority, or the service name for self-issued tokens). Empty accepts none.
    /// </summary>
    public List<string> Workloads { get; set; } = [];

    /// <summary>
    /// This process's workload name, carried in the workload tokens it obtains; by default the one service that
    /// <c>ReferralNet:Services</c> names. With an authority this is the client id of <see cref="WorkloadClientSecret"/>.
    /// </summary>
    public string? WorkloadName { get; set; }

    /// <summary>Client secret of this process at the <see cref="Authority"/>, for the client-credentials grant of workload tokens.</summary>
    public string? WorkloadClientSecret { get; set; }

    /// <summary>Scope asked for in the client-credentials grant; by default <c>&lt;WorkloadAudience&gt;/.default</c>.</summary>
    public string? WorkloadScope { get; set; }

    /// <summary>Lifetime of workload tokens this process signs itself (development issuer or <see cref="SigningKey"/>).</summary>
    public TimeSpan WorkloadTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Base64 symmetric signing key (at least 32 bytes) when not using an authority.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Accept development tokens (embedded shape only). Refused at start-up in the Production environment.
    /// Without a configured <see cref="SigningKey"/> the key is kept in the data folder.
    /// </summary>
    public bool DevIssuer { get; set; }

    /// <summary>Lifetime of development tokens.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a membership read from the directory is trusted without asking again. Events keep it current in between;
    /// this bounds how long a lost event can leave a process behind.
    /// </summary>
    public TimeSpan MembershipRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a long-lived server stream checks its caller again (membership and token lifetime).</summary>
    public TimeSpan StreamRecheck { get; set; } = TimeSpan.FromMinutes(1);
}
