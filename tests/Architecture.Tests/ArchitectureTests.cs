using System.Reflection;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralNet.Organizations;

namespace ReferralNet.Architecture.Tests;

public sealed class ArchitectureTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] Shared = ["Contracts", "Platform"];

    // Every service assembly; a new service adds its module type here (the type rules in LayerTests read it too).
    internal static readonly Assembly[] ServiceAssemblies = [typeof(OrganizationsModule).Assembly, typeof(Cases.CasesModule).Assembly, typeof(Referrals.ReferralsModule).Assembly, typeof(Spanners.SpannersModule).Assembly];

    public static TheoryData<string> ServiceProjects => [.. ServiceNames()];

    [Theory]
    [MemberData(nameof(ServiceProjects))]
    public void A_service_references_only_Contracts_and_Platform(string service)
    {
        var references = ProjectReferences(service);
        Assert.All(references, reference => Assert.Contains(reference, Shared));
    }

    [Fact]
    public void Platform_references_only_Contracts_and_Contracts_nothing()
    {
        Assert.Equal(["Contracts"], ProjectReferences("Platform"));
        Assert.Empty(ProjectReferences("Contracts"));
    }

    [Fact]
    public void Every_service_is_built_into_the_host()
    {
        var services = ServiceNames();
        Assert.NotEmpty(services);
        Assert.Equal(services.Order(), ProjectReferences("Server").Except(Shared).Order());
        Assert.Equal(services.Count, ServiceAssemblies.Length);
    }

    public static TheoryData<Type> DesignTimeFactories => [.. ServiceAssemblies
        .SelectMany(a => a.GetTypes())
        .Where(t => !t.IsAbstract && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>)))];

    [Theory]
    [MemberData(nameof(DesignTimeFactories))]
    public void Every_provider_has_migrations_that_match_the_model(Type factoryType)
    {
        var factory = Activator.CreateInstance(factoryType, nonPublic: true)!;
        using var db = (DbContext)factoryType.GetMethod("CreateDbContext")!.Invoke(factory, [Array.Empty<string>()])!;

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{db.GetType().Name} has model changes without a migration: run dotnet ef migrations add.");
        var migrationsNamespace = db.GetInfrastructure().GetRequiredService<IMigrationsAssembly>().Migrations.Values.Select(t => t.Namespace).Distinct().Single();
        Assert.EndsWith(db.Database.ProviderName!.Contains("Npgsql") ? ".Postgres" : db.Database.IsSqlite() ? ".Sqlite" : ".SqlServer", migrationsNamespace);
    }

    [Fact]
    public void Each_service_has_a_design_time_factory_per_provider()
    {
        Assert.Equal(3 * ServiceAssemblies.Length, DesignTimeFactories.Count);
    }

    private static List<string> ServiceNames() => [.. Directory.GetDirectories(Path.Combine(Root, "services"))
        .Select(directory => Path.GetFileName(directory))
        .Where(name => name is not ("Contracts" or "Platform" or "Server"))];

    private static List<string> ProjectReferences(string project)
    {
        var file = Path.Combine(Root, "services", project, project + ".csproj");
        return [.. XDocument.Load(file).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))];
    }

    internal static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ReferralNet.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ReferralNet.sln not found above the test binaries.");
    }
}
