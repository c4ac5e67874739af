using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Data;

/// <summary>
/// The directory's hot reads by id, compiled once (per model) instead of translated from LINQ on every call. They read
/// without tracking, except the organization read for a change under its lock.
/// </summary>
internal static class DirectoryQueries
{
    private static readonly CompiledPerModel<Func<OrganizationsDbContext, string, CancellationToken, Task<Organization?>>> OrganizationById = new(() =>
        EF.CompileAsyncQuery((OrganizationsDbContext db, string id, CancellationToken _) => db.Organizations.AsNoTracking().FirstOrDefault(o => o.Id == id)));

    private static readonly CompiledPerModel<Func<OrganizationsDbContext, string, CancellationToken, Task<Organization?>>> TrackedOrganizationById = new(() =>
        EF.CompileAsyncQuery((OrganizationsDbContext db, string id, CancellationToken _) => db.Organizations.FirstOrDefault(o => o.Id == id)));

    private static readonly CompiledPerModel<Func<OrganizationsDbContext, string, CancellationToken, Task<Service?>>> ServiceById = new(() =>
        EF.CompileAsyncQuery((OrganizationsDbContext db, string id, CancellationToken _) => db.Services.AsNoTracking().FirstOrDefault(s => s.Id == id)));

    private static readonly CompiledPerModel<Func<OrganizationsDbContext, string, CancellationToken, Task<Member?>>> MemberById = new(() =>
        EF.CompileAsyncQuery((OrganizationsDbContext db, string id, CancellationToken _) => db.Members.AsNoTracking().FirstOrDefault(m => m.Id == id)));

    private static readonly CompiledPerModel<Func<OrganizationsDbContext, string, string, CancellationToken, Task<Member?>>> MemberOfOrganization = new(() =>
        EF.CompileAsyncQuery((OrganizationsDbContext db, string id, string organizationId, CancellationToken _) =>
            db.Members.AsNoTracking().FirstOrDefault(m => m.Id == id && m.OrganizationId == organizationId)));

    /// <summary>The organization, or null.</summary>
    public static Task<Organization?> OrganizationAsync(this OrganizationsDbContext db, string id, CancellationToken cancellationToken) =>
        OrganizationById.For(db)(db, id, cancellationToken);

    /// <summary>The organization, tracked for a change, or null.</summary>
    public static Task<Organization?> OrganizationForChangeAsync(this OrganizationsDbContext db, string id, CancellationToken cancellationToken) =>
        TrackedOrganizationById.For(db)(db, id, cancellationToken);

    /// <summary>The service with its life domains, or null.</summary>
    public static Task<Service?> ServiceAsync(this OrganizationsDbContext db, string id, CancellationToken cancellationToken) =>
        ServiceById.For(db)(db, id, cancellationToken);

    /// <summary>The member, or null; with <paramref name="organizationId"/>, only a member of that organization.</summary>
    public static Task<Member?> MemberAsync(this OrganizationsDbContext db, string id, string? organizationId, CancellationToken cancellationToken) =>
        organizationId is null
            ? MemberById.For(db)(db, id, cancellationToken)
            : MemberOfOrganization.For(db)(db, id, organizationId, cancellationToken);
}
