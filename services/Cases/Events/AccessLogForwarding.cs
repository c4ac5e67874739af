using ReferralNet.Cases.Data;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Secrets;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Events;

/// <summary>
/// Keeps the service user's one access log (NEN 7513): the other services' records of personal data arrive as
/// PersonalDataAccessed and are sealed onto this service's audit chain, from which ListAccessLog reads, so the log is
/// complete and answered by this service alone, also while another service is down.
/// </summary>
/// <remarks>
/// A record joins the chain only inside a write's transaction, so this handler commits its own write with the
/// subscription's inbox row in it: the record and the mark that the event was handled commit together, and a redelivery
/// finds the mark and adds nothing.
/// </remarks>
public sealed class AccessLogForwarding(SecretKeys keys) : IIntegrationEventHandler<CasesDbContext, Proto.PersonalDataAccessed>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.PersonalDataAccessed accessed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await AuditChain.AppendAsync(db, [accessed.ToAuditEntry()], keys.Ring(SecretKeys.AuditTrail), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }
}
