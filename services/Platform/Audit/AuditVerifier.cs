using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>What is wrong with a trail at its first bad record.</summary>
public enum AuditProblem
{
    /// <summary>The record's MAC does not match its fields: it was changed.</summary>
    Altered = 1,

    /// <summary>The record does not follow the one before it: a record was removed or inserted there.</summary>
    BrokenLink = 2,

    /// <summary>Sequence numbers are missing before this record.</summary>
    Missing = 3,

    /// <summary>The record names a key this process does not hold (a forged key id, or a retired key not configured).</summary>
    UnknownKey = 4,

    /// <summary>The trail ends before a checkpoint's record: its newest records were deleted.</summary>
    Truncated = 5,

    /// <summary>A checkpoint's signature is not ours, or its record carries another MAC than it recorded.</summary>
    CheckpointMismatch = 6,
}

/// <summary>The first bad place in a trail.</summary>
/// <param name="Sequence">The sequence of the first bad record (for a truncation, the first missing one).</param>
/// <param name="Problem">What is wrong there.</param>
/// <param name="Detail">An operator-readable explanation.</param>
public sealed record AuditFinding(long Sequence, AuditProblem Problem, string Detail);

/// <summary>The result of verifying one service's trail from its first record to its last.</summary>
/// <param name="Service">The service whose trail was verified.</param>
/// <param name="RecordsChecked">How many records were read (up to the first problem).</param>
/// <param name="LastSequence">The last record read: the newest when the trail is intact, 0 for an empty trail.</param>
/// <param name="NewestCheckpoint">The newest checkpoint checked (stored or given), if any.</param>
/// <param name="Finding">The first problem, or null when the trail is intact.</param>
public sealed record AuditReport(string Service, long RecordsChecked, long LastSequence, AuditCheckpoint? NewestCheckpoint, AuditFinding? Finding)
{
    /// <summary>True when no problem was found.</summary>
    public bool Intact => Finding is null;
}

/// <summary>Verifies a service's trail; one per service database, found by service name.</summary>
public interface IAuditVerifier
{
    /// <summary>The service name (<c>organizations</c>, …).</summary>
    string Service { get; }

    /// <summary>
    /// Reads the whole trail in sequence order and checks every record's MAC and link, and the trail against every stored
    /// checkpoint and <paramref name="externalCheckpoint"/> (one kept outside the database, e.g. from the log).
    /// </summary>
    Task<AuditReport> VerifyAsync(AuditCheckpoint? externalCheckpoint, CancellationToken cancellationToken);
}

/// <summary>Verifies the trail of <typeparamref name="TContext"/>'s database.</summary>
public sealed class AuditVerifier<TContext>(string service, IServiceProvider services, SecretKeys keys) : IAuditVerifier
    where TContext : ServiceDbContext
{
    private const int PageSize = 1000;

    /// <inheritdoc />
    public string Service => service;

    /// <inheritdoc />
    public async Task<AuditReport> VerifyAsync(AuditCheckpoint? externalCheckpoint, CancellationToken cancellationToken)
    {
        var ring = keys.Ring(SecretKeys.AuditTrail);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().ToListAsync(cancellationToken);
        if (externalCheckpoint is not null)
        {
            checkpoints.Add(externalCheckpoint);
        }

        var forged = checkpoints.Where(c => !c.IsAuthentic(ring)).MinBy(c => c.Sequence);
        checkpoints.RemoveAll(c => !c.IsAuthentic(ring));
        var checkpointAt = checkpoints.ToLookup(c => c.Sequence);
        var newest = checkpoints.MaxBy(c => c.Sequence);

        var walk = new ChainWalk(ring);
        long after = 0;
        while (true)
        {
            var page = await db.AuditTrail.AsNoTracking()
                .Where(r => r.Sequence > after)
                .OrderBy(r => r.Sequence)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            foreach (var record in page)
            {
                if ((walk.Next(record) ?? Mismatch(checkpointAt[record.Sequence], record)) is { } finding)
                {
                    return Report(walk, newest, finding);
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        if (forged is not null)
        {
            return Report(walk, newest, new AuditFinding(forged.Sequence, AuditProblem.CheckpointMismatch,
                $"the checkpoint at record {forged.Sequence} is not signed by a key this process holds"));
        }

        if (newest is not null && newest.Sequence > walk.LastSequence)
        {
            return Report(walk, newest, new AuditFinding(walk.LastSequence + 1, AuditProblem.Truncated,
                $"the trail ends at record {walk.LastSequence}, but the checkpoint of {newest.TakenAt:O} was taken at record {newest.Sequence}: the newest records were deleted"));
        }

        return Report(walk, newest, null);

        AuditReport Report(ChainWalk done, AuditCheckpoint? checkpoint, AuditFinding? finding) =>
            new(service, done.RecordsChecked, done.LastSequence, checkpoint, finding);
    }

    private static AuditFinding? Mismatch(IEnumerable<AuditCheckpoint> checkpoints, AuditRecord record) =>
        checkpoints.Any(c => c.HeadMac != record.Mac)
            ? new AuditFinding(record.Sequence, AuditProblem.CheckpointMismatch,
                $"record {record.Sequence} is not the record a signed checkpoint recorded at this position")
            : null;

    // The rules of the chain, record by record in sequence order.
    private sealed class ChainWalk(KeyRing ring)
    {
        private string _previousMac = AuditRecord.GenesisMac;

        public long RecordsChecked { get; private set; }

        public long LastSequence { get; private set; }

        public AuditFinding? Next(AuditRecord record)
        {
            RecordsChecked++;
            var expected = LastSequence + 1;
            AuditFinding? finding =
                record.Sequence != expected
                    ? new(expected, AuditProblem.Missing, $"records {expected} to {record.Sequence - 1} are missing")
                : record.PreviousMac != _previousMac
                    ? new(record.Sequence, AuditProblem.BrokenLink, $"record {record.Sequence} does not follow record {LastSequence}")
                : ring.Find(record.KeyId) is null
                    ? new(record.Sequence, AuditProblem.UnknownKey, $"record {record.Sequence} names key '{record.KeyId}', which this process does not hold")
                : !record.IsIntact(ring)
                    ? new(record.Sequence, AuditProblem.Altered, $"record {record.Sequence} does not carry the MAC of its fields")
                : null;
            _previousMac = record.Mac;
            LastSequence = record.Sequence;
            return finding;
        }
    }
}
