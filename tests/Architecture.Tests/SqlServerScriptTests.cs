using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralNet.Cases.Data;
using ReferralNet.Organizations.Data;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Data;
using ReferralNet.Spanners.Data;

namespace ReferralNet.Architecture.Tests;

/// <summary>
/// Each service's SQL Server migrations are also checked in as one idempotent script (Data/Migrations/SqlServer.sql), for
/// a database administrator who applies schema changes by hand instead of by the migration Job. The script must say what
/// the migrations say: it is generated here the way <c>dotnet ef migrations script --idempotent</c> does and compared.
/// </summary>
public sealed class SqlServerScriptTests
{
    [Fact]
    public void The_organizations_script_is_current() =>
        AssertCurrent(new SqlServerFactory<SqlServerOrganizationsDbContext>(), "Organizations", "SqlServerOrganizationsDbContext");

    [Fact]
    public void The_cases_script_is_current() =>
        AssertCurrent(new SqlServerFactory<SqlServerCasesDbContext>(), "Cases", "SqlServerCasesDbContext");

    [Fact]
    public void The_referrals_script_is_current() =>
        AssertCurrent(new SqlServerFactory<SqlServerReferralsDbContext>(), "Referrals", "SqlServerReferralsDbContext");

    [Fact]
    public void The_spanners_script_is_current() =>
        AssertCurrent(new SqlServerFactory<SqlServerSpannersDbContext>(), "Spanners", "SqlServerSpannersDbContext");

    private static void AssertCurrent<TContext>(SqlServerFactory<TContext> factory, string service, string context)
        where TContext : ServiceDbContext
    {
        using var db = factory.CreateDbContext([]);
        var expected = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var file = Path.Combine(ArchitectureTests.FindRoot(), "services", service, "Data", "Migrations", "SqlServer.sql");
        var checkedIn = File.Exists(file) ? File.ReadAllText(file) : "";
        Assert.True(
            Normalized(expected) == Normalized(checkedIn),
            $"{file} is out of date. Regenerate it: dotnet ef migrations script --idempotent --project services/{service} --context {context} -o services/{service}/Data/Migrations/SqlServer.sql");
    }

    // The CLI writes the script with a byte-order mark and the platform's line ends.
    private static string Normalized(string script) => script.TrimStart('\uFEFF').ReplaceLineEndings("\n").TrimEnd();

    private sealed class SqlServerFactory<TContext>() : DesignTimeContextFactory<TContext>(DatabaseProvider.SqlServer)
        where TContext : ServiceDbContext;
}
