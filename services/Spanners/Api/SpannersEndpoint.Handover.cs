using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Spanners.Data;
using ReferralNet.Spanners.Domain;
using ReferralNet.Spanners.Events;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Spanners.Api;

/// <summary>
/// A spanner stepping down, for good (StopSpanner) or for a while (PauseSpanner), and coming back (ResumeSpanner). Whoever
/// steps down stays each service user's contact until a successor agreed, so nobody is left without one.
/// </summary>
public sealed partial class SpannersEndpoint
{
    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.StopSpannerResponse> StopSpanner(Proto.StopSpannerRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var handover = new Handover(request.Id, request.Etag, request.SuccessorSpannerId, request.HandoverNote.Trim(), AssignmentEndReason.SpannerStopped);
        return await StepDownAsync(context, request, request.RequestId, handover, async spanner =>
        {
            spanner.Stop((SpannerStopReason)request.Reason, now);
            db.AddEvent(spanner.StoppedEvent(), now);
            foreach (var backedUp in await db.Spanners.Where(s => s.BackupSpannerId == spanner.Id).ToListAsync(context.CancellationToken))
            {
                backedUp.LoseBackup(spanner.Id, now);
                db.AddEvent(backedUp.ChangedEvent(), now);
            }
        }, (spanner, successions) => new Proto.StopSpannerResponse { Spanner = spanner, Successions = { successions } });
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.PauseSpannerResponse> PauseSpanner(Proto.PauseSpannerRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var handover = new Handover(request.Id, request.Etag, request.SuccessorSpannerId, request.HandoverNote.Trim(), AssignmentEndReason.SpannerPaused);

        // Spanners who name it as backup keep it: a pause is temporary, and while it lasts they show NO_BACKUP at risk.
        return await StepDownAsync(context, request, request.RequestId, handover, spanner =>
        {
            spanner.Pause(now);
            return Task.CompletedTask;
        }, (spanner, successions) => new Proto.PauseSpannerResponse { Spanner = spanner, Successions = { successions } });
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.ResumeSpannerResponse> ResumeSpanner(Proto.ResumeSpannerRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        audit.Subject(request.Id);
        RequireSupporter(caller, await FindAsync(request.Id, tracked: false, cancellationToken));
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            var spanner = await LockedSpannerAsync(request.Id, cancellationToken);
            spanner.EnsureVersion(request.Etag, "spanner");
            spanner.Resume(now);
            db.AddEvent(spanner.ChangedEvent(), now);
            var held = (await db.HeldPlacesAsync([spanner.Id], cancellationToken)).GetValueOrDefault(spanner.Id);
            return new Proto.ResumeSpannerResponse { Spanner = spanner.ToProto(held, new SpannerView(true, true), now, Policy) };
        }, resumed => resumed.Spanner.Id);
        await write.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>What a spanner stepping down asks: who, at which etag, the successor if named, the note for successors, and why assignments end.</summary>
    private sealed record Handover(string SpannerId, string Etag, string SuccessorSpannerId, string Note, AssignmentEndReason Why);

    // The spanner steps down (step) and each active assignment is handed over; runs once per request id, and the change,
    // the proposals, their events, the stored answer and the audit record commit together.
    private async Task<TResponse> StepDownAsync<TRequest, TResponse>(
        ServerCallContext context, TRequest request, string requestId, Handover handover, Func<BoundarySpanner, Task> step,
        Func<Proto.BoundarySpanner, List<Proto.SpannerSuccession>, TResponse> respond)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        audit.Subject(handover.SpannerId);
        var leaving = await FindAsync(handover.SpannerId, tracked: false, cancellationToken);
        RequireSupporter(caller, leaving);

        // Each service user's facts come from the cases service as the organization that coordinates them, before anything
        // is written: when cases cannot answer, the spanner does not step down half-way.
        var open = await db.Assignments.AsNoTracking().Where(a => a.SpannerId == leaving.Id && a.Status == AssignmentStatus.Active).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var facts = new Dictionary<string, Proto.CheckSupportConsentResponse>();
        foreach (var assignment in open)
        {
            facts[assignment.Id] = await cases.CheckAsync(assignment.AssignedByOrganizationId, assignment.AssignedByMemberId, assignment.ServiceUserId, assignment.NeedId, cancellationToken);
        }

        await using var write = await db.BeginWriteAsync(cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, requestId, now, async () =>
        {
            var spanner = await LockedSpannerAsync(handover.SpannerId, cancellationToken);
            spanner.EnsureVersion(handover.Etag, "spanner");

            // An assignment that started or ended since the facts were gathered would be handed over without them: retry.
            var stillOpen = await db.Assignments.Where(a => a.SpannerId == spanner.Id && a.Status == AssignmentStatus.Active).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(cancellationToken);
            if (!stillOpen.SequenceEqual(open.Select(a => a.Id)))
            {
                throw new StaleVersionException("spanner");
            }

            await step(spanner);
            db.AddEvent(spanner.ChangedEvent(), now);
            var proposals = await db.Assignments.Where(a => a.SpannerId == spanner.Id && a.Status == AssignmentStatus.Proposed).ToListAsync(cancellationToken);
            foreach (var proposal in proposals)
            {
                proposal.End(handover.Why, "", now);
            }

            // Every service user handed over is on record, so each one's access log shows the step-down.
            audit.Read(open.Concat(proposals).Select(a => a.ServiceUserId));

            // The proposals above free no place the successors could use, so a save here keeps the place counts below true.
            await db.SaveChangesAsync(cancellationToken);
            var successions = await HandOverAsync(spanner, open, facts, handover, now, cancellationToken);
            var held = (await db.HeldPlacesAsync([spanner.Id], cancellationToken)).GetValueOrDefault(spanner.Id);
            return respond(spanner.ToProto(held, new SpannerView(true, true), now, Policy), successions);
        }, answered => handover.SpannerId);
        await write.CommitAsync(cancellationToken);
        return response;
    }

    // Each active assignment of the leaving spanner is proposed to a successor: the one named, else the backup when it fits
    // the service user, else the best match. The leaving spanner's assignment stays active until the successor's starts.
    private async Task<List<Proto.SpannerSuccession>> HandOverAsync(
        BoundarySpanner leaving, List<SpannerAssignment> open, Dictionary<string, Proto.CheckSupportConsentResponse> facts, Handover handover, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var successions = new List<Proto.SpannerSuccession>();
        var chosen = handover.SuccessorSpannerId.Length > 0 ? await LockedSpannerAsync(handover.SuccessorSpannerId, cancellationToken) : null;
        if (chosen is not null)
        {
            var places = (await db.HeldPlacesAsync([chosen.Id], cancellationToken)).GetValueOrDefault(chosen.Id);
            if (chosen.Id == leaving.Id || chosen.OrganizationId != leaving.OrganizationId)
            {
                throw new DomainRuleException("SUCCESSOR_NOT_ELIGIBLE", "The successor must be another spanner of the same organization.");
            }

            chosen.EnsureCanTakeOn(places + open.Count - 1, DateOnly.FromDateTime(now.UtcDateTime), Policy);
        }

        var backup = chosen is null && leaving.BackupSpannerId is { } backupId ? await db.Spanners.FirstOrDefaultAsync(s => s.Id == backupId, cancellationToken) : null;
        foreach (var previous in open)
        {
            var tracked = await db.Assignments.SingleAsync(a => a.Id == previous.Id, cancellationToken);
            var answer = facts[previous.Id];
            var proposer = new Caller(previous.AssignedByMemberId, previous.AssignedByOrganizationId, Role.Professional);
            (BoundarySpanner Spanner, SuccessionBasis Basis)? successor = null;
            if (chosen is not null)
            {
                successor = (chosen, SuccessionBasis.Chosen);
            }
            else if (answer.Granted)
            {
                var domains = answer.DomainsOf([], previous.NeedId);
                var fits = await RankAsync(answer, domains, languageRequired: false, now, exclude: leaving.Id, cancellationToken);
                successor = backup is not null && fits.FirstOrDefault(f => f.Spanner.Id == backup.Id) is { } fit
                    ? (fit.Spanner, SuccessionBasis.Backup)
                    : fits.Count > 0 ? (fits[0].Spanner, SuccessionBasis.BestMatch) : null;
            }

            if (successor is not { } next)
            {
                // Nobody fits (or the coordinating organization's consent is gone): the assignment ends and the coordinator is told.
                tracked.End(handover.Why, "", now);
                db.AddEvent(tracked.EndedEvent(), now);
                db.AddEvent(tracked.SucceededEvent(SuccessionBasis.None, null), now);
                successions.Add(new Proto.SpannerSuccession { ServiceUserId = tracked.ServiceUserId, PreviousAssignmentId = tracked.Id, Basis = Proto.SuccessionBasis.None });
                continue;
            }

            tracked.AwaitSuccessor(handover.Why, now);
            await db.LockAsync(db.Spanners.Where(s => s.Id == next.Spanner.Id), cancellationToken);
            var spec = new AssignmentSpec(tracked.ServiceUserId, tracked.NeedId, tracked.CaseId, tracked.ConstantContact, tracked.Note);
            var proposal = await ProposeAsync(next.Spanner, spec, proposer, now, cancellationToken, tracked, handover.Note);
            db.AddEvent(tracked.SucceededEvent(next.Basis, proposal), now);
            successions.Add(new Proto.SpannerSuccession
            {
                ServiceUserId = tracked.ServiceUserId,
                PreviousAssignmentId = tracked.Id,
                Basis = (Proto.SuccessionBasis)next.Basis,
                NewAssignment = proposal.ToProto(),
            });
        }

        return successions;
    }
}
