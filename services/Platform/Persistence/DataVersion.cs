using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// The version of the data a service keeps in memory (a read model such as the directory index): one row per database
/// whose stamp changes in the same transaction as every change to the entity types that model is built from (see
/// <see cref="DataVersionStamp"/>). Any process on the database can thus tell with one primary-key read whether its model
/// is current, whichever process made the change; the change and its new stamp become visible together.
/// </summary>
public sealed class DataVersion
{
    private const int RowId = 1;

    private static readonly CompiledPerModel<Func<ServiceDbContext, int, CancellationToken, Task<Guid>>> StampOf = new(() =>
        EF.CompileAsyncQuery((ServiceDbContext db, int id, CancellationToken _) => db.Set<DataVersion>().Where(v => v.Id == id).Select(v => v.Stamp).Single()));

    private DataVersion()
    {
    }

    /// <summary>The single row's key.</summary>
    public int Id { get; private init; } = RowId;

    /// <summary>A new random value on every change; equal stamps mean equal data.</summary>
    public Guid Stamp { get; private set; }

    // Every search and every network view reads the stamp before it answers from memory.
    private static readonly SqliteKeptRead<Guid> SqliteStamp = new(
        names => $"SELECT {StampSql(names)}",
        reader => reader.Read() ? StampAt(reader, 0) : throw Missing());

    /// <summary>The stamp as committed now (in the context's transaction when it has one).</summary>
    public static Task<Guid> ReadAsync(ServiceDbContext db, CancellationToken cancellationToken) =>
        db.Database.IsSqlite() ? SqliteStamp.RunAsync(db, cancellationToken) : StampOf.For(db)(db, RowId, cancellationToken);

    /// <summary>A scalar subquery for the stamp, for a kept read that asks it with others in one statement.</summary>
    public static string StampSql(SqlNames names) =>
        $"(SELECT {names.Column<DataVersion>(nameof(Stamp))} FROM {names.Table<DataVersion>()} WHERE {names.Column<DataVersion>(nameof(Id))} = {RowId})";

    /// <summary>The stamp <see cref="StampSql"/> read into column <paramref name="ordinal"/> of <paramref name="reader"/>'s row.</summary>
    public static Guid StampAt(Microsoft.Data.Sqlite.SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? throw Missing() : Guid.Parse(reader.GetString(ordinal));

    private static InvalidOperationException Missing() => new("The data_version row is missing; the database is not migrated.");

    /// <summary>Gives the row a new stamp in the next save of <paramref name="context"/>.</summary>
    internal static void Renew(DbContext context)
    {
        var tracked = context.ChangeTracker.Entries<DataVersion>().FirstOrDefault()?.Entity;
        if (tracked is null)
        {
            // An update of the known row, without reading it first: the stamp is written blind, so concurrent writers
            // simply queue on the row's lock and the last commit's stamp stands.
            tracked = new DataVersion();
            context.Attach(tracked);
        }

        tracked.Stamp = Guid.NewGuid();
    }

    internal sealed class Configuration : IEntityTypeConfiguration<DataVersion>
    {
        public void Configure(EntityTypeBuilder<DataVersion> builder)
        {
            builder.ToTable("data_version");
            builder.HasKey(v => v.Id);
            builder.Property(v => v.Id).ValueGeneratedNever();
            builder.HasData(new { Id = RowId, Stamp = Guid.Empty });
        }
    }
}

/// <summary>
/// Renews the <see cref="DataVersion"/> stamp inside every save that adds, changes or deletes an entity of the given
/// types, so in-memory models built from them learn of the change from any process. Register it with
/// <see cref="DatabaseExtensions.AddServiceDatabase{TContext, TSqlite, TSqlServer, TPostgres}"/>. Bulk statements
/// (ExecuteUpdate, raw SQL) bypass it and must not touch these types.
/// </summary>
/// <param name="entityTypes">The entity types (owned ones included) that in-memory models are built from.</param>
public sealed class DataVersionStamp(params Type[] entityTypes) : SaveChangesInterceptor
{
    private readonly HashSet<Type> _watched = [.. entityTypes];

    /// <inheritdoc />
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        RenewIfWatchedChanged(eventData.Context);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        RenewIfWatchedChanged(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void RenewIfWatchedChanged(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(e =>
                e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && _watched.Contains(e.Metadata.ClrType)))
        {
            DataVersion.Renew(context);
        }
    }
}
