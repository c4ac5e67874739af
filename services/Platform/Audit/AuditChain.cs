using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>The newest record of a chain: where the next record attaches.</summary>
/// <param name="Sequence">The newest record's sequence; 0 for an empty trail.</param>
/// <param name="Mac">The newest record's MAC.</param>
public sealed record ChainHead(long Sequence, string Mac)
{
    /// <summary>The head of an empty trail.</summary>
    public static readonly ChainHead Genesis = new(0, AuditRecord.GenesisMac);
}

/// <summary>
/// Extends a service's audit chain inside the caller's transaction. Every process that writes one database serializes
/// on the database's own lock for the chain head, held until the transaction ends, so concurrent writers (several
/// replicas, the change transactions and the group-commit writer) extend one chain and never race for a sequence.
/// Callers take the lock after their own changes are written and just before they commit, so it is held for the
/// head read, the insert and the commit, and a transaction that holds it never waits for a row another one holds.
/// </summary>
public static class AuditChain
{
    // PostgreSQL advisory locks are keyed by a 64-bit number per database; this one is "RNAUDIT" in ASCII.
    private const long PostgresLockKey = 0x52_4E_41_55_44_49_54;

    // Every audited change reads the head under the file's write turn.
    private static readonly SqliteKeptRead<ChainHead?> SqliteHead = new(
        names => $"SELECT {names.Column<AuditRecord>(nameof(AuditRecord.Sequence))}, {names.Column<AuditRecord>(nameof(AuditRecord.Mac))} FROM {names.Table<AuditRecord>()} ORDER BY {names.Column<AuditRecord>(nameof(AuditRecord.Sequence))} DESC LIMIT 1",
        reader => reader.Read() ? new ChainHead(reader.GetInt64(0), reader.GetString(1)) : null);

    private static readonly CompiledPerModel<Func<ServiceDbContext, CancellationToken, Task<ChainHead?>>> NewestRecord = new(() =>
        EF.CompileAsyncQuery((ServiceDbContext db, CancellationToken _) => db.AuditTrail.AsNoTracking()
            .OrderByDescending(r => r.Sequence)
            .Select(r => new ChainHead(r.Sequence, r.Mac))
            .FirstOrDefault()));

    /// <summary>Seals <paramref name="entries"/> onto the chain in the current transaction and inserts them; the caller commits.</summary>
    public static async Task AppendAsync(ServiceDbContext db, IReadOnlyCollection<AuditEntry> entries, KeyRing keys, CancellationToken cancellationToken)
    {
        await LockHeadAsync(db.Database, cancellationToken);
        var head = await HeadAsync(db, cancellationToken);
        var sequence = head.Sequence;
        var previousMac = head.Mac;
        var records = new List<AuditRecord>(entries.Count);
        foreach (var entry in entries)
        {
            var record = AuditRecord.Seal(entry, ++sequence, previousMac, keys);
            previousMac = record.Mac;
            records.Add(record);
        }

        await RowInserter<AuditRecord>.InsertAsync(db, records, cancellationToken);
        await ForwardAsync(db, records, cancellationToken);
    }

    // A service that does not keep the access log sends each record of personal data to the one that does, through the
    // outbox in the same transaction: the record and its copy for the access log commit together or not at all. The rows
    // are inserted like the records, without a second SaveChanges of the change under the file's write turn.
    private static async Task ForwardAsync(ServiceDbContext db, List<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (db.AccessLogSource is not { } source)
        {
            return;
        }

        var copies = records.Where(r => r.ServiceUserId is not null).Select(r => OutboxMessage.For(r.ToAccessEvent(source), r.OccurredAt)).ToList();
        if (copies.Count > 0)
        {
            await db.InsertEventsAsync(copies, cancellationToken);
        }
    }

    /// <summary>Takes the database's exclusive lock on the chain head until the current transaction ends.</summary>
    public static async Task LockHeadAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        if (database.IsNpgsql())
        {
            await database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
        }
        else if (database.IsSqlServer())
        {
            await database.ExecuteSqlRawAsync(
                "EXEC sp_getapplock @Resource = N'referralnet.audit_chain', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1",
                cancellationToken);
        }

        // SQLite: the batch began IMMEDIATE and this write has the file's turn in the group commit: it already is the only writer.
    }

    /// <summary>The chain's newest record, as this transaction sees it.</summary>
    public static async Task<ChainHead> HeadAsync(ServiceDbContext db, CancellationToken cancellationToken) =>
        (db.Database.IsSqlite() ? await SqliteHead.RunAsync(db, cancellationToken) : await NewestRecord.For(db)(db, cancellationToken)) ?? ChainHead.Genesis;
}
