using ReferralNet.Organizations;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Server;

/// <summary>Builds the ReferralNet process: the platform plus every service that configuration enables.</summary>
public static class ReferralNetHost
{
    private static readonly string[] KnownServices = [OrganizationsModule.Name];

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

        var app = builder.Build();
        app.MapPlatformEndpoints();
        if (runsOrganizations)
        {
            app.MapOrganizations();
        }

        return app;
    }

    /// <summary>Migrates, bootstraps and (embedded shape) seeds the databases of the services this process runs.</summary>
    public static Task InitializeAsync(this WebApplication app, CancellationToken cancellationToken = default) =>
        Options(app.Configuration).Runs(OrganizationsModule.Name) ? app.Services.InitializeOrganizationsAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// <c>dev-token --member &lt;id or e-mail&gt;</c>, <c>dev-token --network-admin</c> or <c>dev-token --workload &lt;service&gt;</c>:
    /// prints a development token. Works only where the development issuer is enabled.
    /// </summary>
    public static async Task<int> RunDevTokenCommandAsync(string[] args)
    {
        var app = Build(args, builder =>
        {
            // The token alone goes to standard output, so that scripts can capture it.
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
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

    private static ReferralNetOptions Options(IConfiguration configuration) =>
        configuration.GetSection(ReferralNetOptions.Section).Get<ReferralNetOptions>() ?? new ReferralNetOptions();
}
