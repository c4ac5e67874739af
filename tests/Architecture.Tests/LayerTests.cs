using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace ReferralNet.Architecture.Tests;

/// <summary>
/// The concerns inside one service (Domain, Data, Api), checked on the compiled types: every type reference counts,
/// in signatures and in method bodies, written with a using or fully qualified. Constants (const fields, enum
/// members used as numbers) are copied into the caller's IL and leave no reference, so they cannot be seen here.
/// </summary>
public sealed class LayerTests
{
    // Loading reads the IL of every service assembly once; the rules then share the result.
    private static readonly ArchitectureModel Services = new ArchLoader().LoadAssemblies([.. ArchitectureTests.ServiceAssemblies]).Build();

    // A service's assembly name is its root namespace (ReferralNet.<Service>), so a new service needs nothing here.
    public static TheoryData<string> ServiceNamespaces => [.. ArchitectureTests.ServiceAssemblies.Select(a => a.GetName().Name!)];

    [Theory]
    [MemberData(nameof(ServiceNamespaces))]
    public void Domain_knows_neither_the_database_nor_the_wire_nor_the_contract(string service)
    {
        // Referenced types are included, because the assemblies that are forbidden here are not loaded.
        var databaseOrWire = Types(includeReferenced: true).That()
            .ResideInNamespaceOrBelow("Microsoft.EntityFrameworkCore")
            .Or().ResideInNamespaceOrBelow("Google.Protobuf")
            .Or().ResideInNamespaceOrBelow("Grpc")
            .Or().ResideInNamespaceOrBelow("ReferralNet.Contracts")
            .As("EF Core, Protobuf, gRPC or Contracts types");

        Layer(service, "Domain").Should().NotDependOnAny(databaseOrWire)
            .Because("the domain rules must hold whatever stores them and whoever calls them")
            .Check(Services);
    }

    [Theory]
    [MemberData(nameof(ServiceNamespaces))]
    public void Domain_depends_on_neither_Data_nor_Api(string service)
    {
        Layer(service, "Domain").Should().NotDependOnAny(Layer(service, "Data").Or().ResideInNamespaceOrBelow($"{service}.Api"))
            .Because("persistence and the endpoints use the domain, never the other way round")
            .Check(Services);
    }

    [Theory]
    [MemberData(nameof(ServiceNamespaces))]
    public void Data_does_not_depend_on_Api(string service)
    {
        Layer(service, "Data").Should().NotDependOnAny(Layer(service, "Api"))
            .Because("the endpoints map the wire onto the domain; storage must not lean on that mapping")
            .Check(Services);
    }

    [Theory]
    [MemberData(nameof(ServiceNamespaces))]
    public void Every_service_has_Domain_Data_and_Api_types(string service)
    {
        // Without this a misspelt or moved namespace would make the rules above pass on no types at all.
        Assert.All(["Domain", "Data", "Api"], concern => Assert.NotEmpty(Layer(service, concern).GetObjects(Services)));
    }

    private static GivenTypesConjunction Layer(string service, string concern) =>
        Types().That().ResideInNamespaceOrBelow($"{service}.{concern}");
}
