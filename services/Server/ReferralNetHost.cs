using ReferralNet.Cases;
using ReferralNet.Organizations;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals;
using ReferralNet.Spanners;

namespace ReferralNet.Server;

/// <summary>Builds the ReferralNet process: the platform plus every service that configuration enables.</summary>
public static class ReferralNetHost
{
    private static readonly string[] KnownServices = [OrganizationsModule.Name, CasesModule.Name, ReferralsModule.Name, SpannersModule.Name];

    /// <summary>Builds the host; <paramref name="configure"/> runs before the services register (tests add configuration there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        builder.AddPlatformDefaults();
        var options = Options(builder.Configuration);
        var unknown = options.Services.Except(KnownServices, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"ReferralNet:Services names unknown services: {string.Join(", ", unknown)}. Known: {string.Join(", ", KnownServices)}.");
        }

        // A process that runs the directory checks its callers against its own database; any other asks the
        // organizations service at ReferralNet:Peers:Organizations (CheckMembership, with this process's workload token).
        var runsOrganizations = options.Runs(OrganizationsModule.Name);
        if (runsOrganizations)
        {
            builder.AddOrganizations();
        }
        else
        {
            builder.AddOrganizationsPeer();
        }

        var runsCases = options.Runs(CasesModule.Name);
        if (runsCases)
        {
            builder.AddCases();
        }

        var runsReferrals = options.Runs(ReferralsModule.Name);
        if (runsReferrals)
        {
            builder.AddReferrals(runsCases);
        }

        var runsSpanners = options.Runs(SpannersModule.Name);
        if (runsSpanners)
        {
            builder.AddSpanners(runsCases);
        }

        // The demo's referrals go through the API as the demo's professionals, so they need every service in this process
        // (the directory for their tokens, cases for needs and consents) and the development issuer that signs the tokens.
        if (options.SeedDemoData && options.SeedDemoReferrals && runsOrganizations && runsCases && runsReferrals
            && builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.DevIssuer == true)
        {
            builder.Services.AddSingleton<DemoReferrals>();
            builder.Services.AddHostedService(services => services.GetRequiredService<DemoReferrals>());
        }

        var app = builder.Build();
        app.MapPlatformEndpoints();
        if (runsOrganizations)
        {
            app.MapOrganizations();
        }

        if (runsCases)
        {
            app.MapCases();
        }

        if (runsReferrals)
        {
            app.MapReferrals();
        }

        if (runsSpanners)
        {
            app.MapSpanners();
        }

        return app;
    }

    /// <summary>Migrates, bootstraps and (embedded shape) seeds the databases of the services this process runs.</summary>
    public static async Task InitializeAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var options = Options(app.Configuration);
        if (options.Runs(CasesModule.Name))
        {
            await app.Services.InitializeCasesAsync(cancellationToken);
        }

        if (options.Runs(ReferralsModule.Name))
        {
            await app.Services.InitializeReferralsAsync(cancellationToken);
        }

        if (options.Runs(SpannersModule.Name))
        {
            await app.Services.InitializeSpannersAsync(cancellationToken);
        }

        // The directory seeds after the cases and referrals databases exist: its first events (organizations, services) are theirs too.
        if (options.Runs(OrganizationsModule.Name))
        {
            await app.Services.InitializeOrganizationsAsync(cancellationToken);
        }

        if (options.Runs(CasesModule.Name))
        {
            await app.Services.SeedCasesDemoAsync(cancellationToken);
        }
    }

    /// <summary>
    /// <c>dev-token --member &lt;id or e-mail&gt;</c>, <c>dev-token --network-admin</c> or <c>dev-token --workload &lt;service&gt;</c>:
    /// prints a development token. Works only where the development issuer is enabled.
    /// </summary>
    public static async Task<int> RunDevTokenCommandAsync(string[] args)
    {
        await using var app = Build(args, QuietCommandLine);
        var workloadIndex = Array.IndexOf(args, "--workload");
        if (workloadIndex >= 0 && workloadIndex + 1 < args.Length)
        {
            Console.WriteLine(app.Services.GetRequiredService<DevTokenIssuer>().IssueWorkload(args[workloadIndex + 1]));
            return 0;
        }

        await app.InitializeAsync();
        var directory = app.Services.GetService<IMemberDirectory>()
            ?? throw new InvalidOperationException("dev-token needs a process that runs the organizations service (it looks the member up).");
        var memberIndex = Array.IndexOf(args, "--member");
        var member = memberIndex >= 0 && memberIndex + 1 < args.Length
            ? await directory.FindForSignInAsync(args[memberIndex + 1], CancellationToken.None)
            : args.Contains("--network-admin") ? await directory.FindNetworkAdminAsync(CancellationToken.None) : null;
        if (member is null)
        {
            await Console.Error.WriteLineAsync(memberIndex >= 0 || args.Contains("--network-admin")
                ? "No active member found."
                : "usage: dev-token --member <member id or e-mail> | --network-admin | --workload <service>");
            return 2;
        }

        Console.WriteLine(app.Services.GetRequiredService<DevTokenIssuer>().Issue(member));
        return 0;
    }

    /// <summary>
    /// <c>migrate</c>: applies the pending migrations of the databases of the services this process is configured to run,
    /// makes sure the network office exists (and seeds demo data when asked), and exits (0). The distributed shape runs it
    /// as a Kubernetes Job before the replicas, which start with <c>MigrateOnStart</c> off: migrations then run once, not
    /// racing each other on every replica's start.
    /// </summary>
    public static async Task<int> RunMigrateCommandAsync(string[] args, CancellationToken cancellationToken = default)
    {
        await using var app = Build(args, builder => builder.Configuration.AddInMemoryCollection([new($"{PersistenceOptions.Section}:MigrateOnStart", "true")]));
        await app.InitializeAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// <c>openapi [file]</c>: writes the OpenAPI document of the REST surface (every service, and the operator clock, whose
    /// RPCs are part of the contract even where a process does not serve them) to <paramref name="output"/> or the file.
    /// The host serves the same document at <see cref="RestTranscoding.OpenApiPath"/>; docs/openapi.json is its checked-in copy.
    /// </summary>
    public static async Task<int> RunOpenApiCommandAsync(string[] args, TextWriter output)
    {
        // The document lists the endpoints of a started host (ASP.NET Core's endpoint data source is filled when the request
        // pipeline is built), so the command starts one on a loopback port, over empty databases in a folder of its own.
        var data = Directory.CreateTempSubdirectory("referralnet-openapi-");
        string document;
        try
        {
            await using var app = Build(args.Where(a => a.StartsWith('-')).ToArray(), builder =>
            {
                QuietCommandLine(builder);
                builder.Configuration.AddInMemoryCollection([
                    new(OperatorClock.EnabledKey, "true"),
                    new($"{PersistenceOptions.Section}:DataDirectory", data.FullName),
                    new($"{ReferralNetOptions.Section}:SeedDemoData", "false"),
                ]);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
            });
            await app.InitializeAsync();
            await app.StartAsync();
            document = RestTranscoding.OpenApiJson(app.Services);
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }

        if (args.FirstOrDefault(a => !a.StartsWith('-')) is { } file)
        {
            await File.WriteAllTextAsync(file, document);
        }
        else
        {
            await output.WriteAsync(document);
        }

        return 0;
    }

    /// <summary>
    /// <c>verify-audit &lt;service&gt; [--checkpoint &lt;token&gt;]</c>: verifies a service's whole audit trail against its key and
    /// checkpoints (and a checkpoint token from the log) and prints the first bad record. Exit code 0 intact, 1 broken, 2 usage.
    /// </summary>
    public static async Task<int> RunVerifyAuditCommandAsync(string[] args, TextWriter output)
    {
        var checkpointIndex = Array.IndexOf(args, "--checkpoint");
        var token = checkpointIndex >= 0 && checkpointIndex + 1 < args.Length ? args[checkpointIndex + 1] : null;
        var checkpoint = token is null ? null : AuditCheckpoint.FromToken(token);
        if (args is not [var service, ..] || service.StartsWith('-') || (checkpointIndex >= 0 && checkpoint is null))
        {
            await output.WriteLineAsync("usage: verify-audit <service> [--checkpoint <token from the log line 'Audit checkpoint of …'>]");
            return 2;
        }

        await using var app = Build(args[1..], QuietCommandLine);
        var verifier = app.Services.GetServices<IAuditVerifier>().FirstOrDefault(v => v.Service == service);
        if (verifier is null)
        {
            await output.WriteLineAsync($"This process does not run a service named '{service}'.");
            return 2;
        }

        var report = await verifier.VerifyAsync(checkpoint, CancellationToken.None);
        var newest = report.NewestCheckpoint is { } last ? $"; newest checkpoint at record {last.Sequence} ({last.TakenAt:O})" : "; no checkpoint yet";
        await output.WriteLineAsync(report.Finding is { } finding
            ? $"{service}: audit trail BROKEN at record {finding.Sequence} ({finding.Problem}): {finding.Detail}. {report.RecordsChecked} records read{newest}."
            : $"{service}: audit trail intact, {report.RecordsChecked} records{newest}.");
        return report.Intact ? 0 : 1;
    }

    // Commands print their result alone on standard output, so that scripts can capture it.
    private static void QuietCommandLine(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
    }

    private static ReferralNetOptions Options(IConfiguration configuration) =>
        configuration.GetSection(ReferralNetOptions.Section).Get<ReferralNetOptions>() ?? new ReferralNetOptions();
}
