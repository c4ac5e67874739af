using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Organizations.Data;
using ReferralNet.Server;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// The <c>migrate</c> command the distributed shape runs as a Kubernetes Job: it migrates the configured service's database
/// even where replicas do not migrate on start (MigrateOnStart off, as in Production), and exits.
/// </summary>
public sealed class MigrateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("referralnet-migrate-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Migrate_applies_every_migration_of_the_configured_service_and_exits()
    {
        Assert.Equal(0, await ReferralNetHost.RunMigrateCommandAsync(Args("organizations")));

        await using var replica = ReferralNetHost.Build(Args("organizations"));
        await using var scope = replica.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

        // It also bootstraps what every replica expects to find: the network office and its administrator.
        Assert.True(await db.Members.AnyAsync());
        Assert.False(File.Exists(Path.Combine(_directory, "cases.db")));
    }

    [Fact]
    public async Task A_replica_without_MigrateOnStart_leaves_the_database_alone_until_the_job_ran()
    {
        var args = Args("cases");
        await using (var replica = ReferralNetHost.Build(args))
        {
            await replica.InitializeAsync();
            await using var scope = replica.Services.CreateAsyncScope();
            Assert.NotEmpty(await scope.ServiceProvider.GetRequiredService<CasesDbContext>().Database.GetPendingMigrationsAsync());
        }

        Assert.Equal(0, await ReferralNetHost.RunMigrateCommandAsync(args));
        await using (var replica = ReferralNetHost.Build(args))
        {
            await using var scope = replica.Services.CreateAsyncScope();
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<CasesDbContext>().Database.GetPendingMigrationsAsync());
        }
    }

    private string[] Args(string service) =>
    [
        "--environment", "Testing",
        $"--ReferralNet:Services:0={service}",
        $"--ReferralNet:Database:DataDirectory={_directory}",
        "--ReferralNet:Database:MigrateOnStart=false",
        "--ReferralNet:SeedDemoData=false",
        "--ReferralNet:Auth:DevIssuer=true",
        "--ReferralNet:Bootstrap:NetworkAdminEmail=admin@network-office.test",
        "--ReferralNet:Peers:Organizations=http://organizations:8080",
    ];
}
