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

        if (!options.Runs(OrganizationsModule.Name))
        {
            // Every call is checked against the member directory, which the organizations service keeps.
            throw new InvalidOperationException("This process must run the organizations service: it answers the member check of every call.");
        }

        builder.AddOrganizations();
        var app = builder.Build();
        app.MapPlatformEndpoints();
        app.MapOrganizations();
        return app;
    }

    /// <summary>Migrates, bootstraps and (embedded shape) seeds the databases of the services this process runs.</summary>
    public static Task InitializeAsync(this WebApplication app, CancellationToken cancellationToken = default) =>
        app.Services.InitializeOrganizationsAsync(cancellationToken);

    /// <summary>
    /// <c>dev-token --member &lt;id or e-mail&gt;</c> or <c>dev-token --network-admin</c>: prints a development token.
    /// Works only where the development issuer is enabled.
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
        await app.InitializeAsync();
        var directory = app.Services.GetRequiredService<IMemberDirectory>();
        var memberIndex = Array.IndexOf(args, "--member");
        var member = memberIndex >= 0 && memberIndex + 1 < args.Length
            ? await directory.FindForSignInAsync(args[memberIndex + 1], CancellationToken.None)
            : args.Contains("--network-admin") ? await directory.FindNetworkAdminAsync(CancellationToken.None) : null;
        if (member is null)
        {
            await Console.Error.WriteLineAsync(memberIndex >= 0 || args.Contains("--network-admin")
                ? "No active member found."
                : "usage: dev-token --member <member id or e-mail> | --network-admin");
            return 2;
        }

        Console.WriteLine(app.Services.GetRequiredService<DevTokenIssuer>().Issue(member));
        return 0;
    }

    private static ReferralNetOptions Options(IConfiguration configuration) =>
        configuration.GetSection(ReferralNetOptions.Section).Get<ReferralNetOptions>() ?? new ReferralNetOptions();
}
