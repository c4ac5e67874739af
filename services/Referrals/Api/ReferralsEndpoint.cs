using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using ReferralNet.Referrals.Events;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Referrals.Api;

/// <summary>
/// Referrals between organizations. A referral is visible to its sender, its receiver and the organization coordinating
/// the service user's case; to anyone else it does not exist (NOT_FOUND). The receiver answers, the sender withdraws.
/// Every change takes a request id and runs once; the referral, its history, its chain's pillar-to-post state, their
/// events, the stored answer and the audit record commit together.
/// </summary>
public sealed partial class ReferralsEndpoint(
    ReferralsDbContext db,
    AuditScope audit,
    CasesConsent consent,
    MembershipCache memberships,
    TimeProvider time,
    PageTokens pageTokens,
    InboxFeed feed,
    CallerRecheck recheck,
    IOptions<ReferralsOptions> options) : Proto.ReferralsService.ReferralsServiceBase
{
    private const string Purpose = "referral";

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override async Task<Proto.CreateReferralResponse> CreateReferral(Proto.CreateReferralRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        var spec = request.Referral;
        var service = await ServiceAsync(spec.ToServiceId, cancellationToken);
        var checkedNeed = await ConsentedAsync(caller, spec.NeedId, service, spec.ConsentId, request.AcceptWait, now, cancellationToken, "CONSENT_MISSING");
        var sender = new StepActor(caller.MemberId, caller.OrganizationId);
        var referralSpec = SpecOf(spec.NeedId, checkedNeed, service, spec.Note.Trim(), (ReferralPriority)Math.Max(1, (int)spec.Priority), spec.RequestedStartTime?.ToInstant(), spec.RequestedEndTime?.ToInstant());

        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.LockAsync(db.Chains.Where(c => c.OpenNeedId == spec.NeedId), cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            var chain = await OpenChainAsync(spec.NeedId, checkedNeed, sender, now, cancellationToken);
            var referral = await SendAsync(chain, referralSpec, sender, now, cancellationToken);
            await db.AssessChainAsync(chain.Id, options.Value.PillarToPost, now, cancellationToken);
            return new Proto.CreateReferralResponse { Referral = referral.ToProto() };
        }, created => created.Referral.Id, created => created.Referral.ServiceUserId);
        await write.CommitAsync(cancellationToken);
        feed.Wake();
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "referral", Purpose)]
    public override async Task<Proto.GetReferralResponse> GetReferral(Proto.GetReferralRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        return new Proto.GetReferralResponse { Referral = (await VisibleAsync(request.Id, caller, context.CancellationToken)).ToProto() };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "referral", Purpose)]
    public override async Task<Proto.ListOutgoingReferralsResponse> ListOutgoingReferrals(Proto.ListOutgoingReferralsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var statuses = StatusesOf(request.Statuses);
        var pageQuery = $"{context.Method}|{string.Join(',', statuses)}|{request.FromMemberId}|{request.ServiceUserId}|{request.NeedId}|{request.ChainId}|{request.ToOrganizationId}|{request.CreateStartTime}|{request.CreateEndTime}";
        var query = db.Referrals.AsNoTracking().Where(r => r.FromOrganizationId == caller.OrganizationId);
        query = Filtered(query, statuses, request.ServiceUserId, request.NeedId, request.CreateStartTime, request.CreateEndTime);
        if (request.FromMemberId.Length > 0)
        {
            query = query.Where(r => r.FromMemberId == request.FromMemberId);
        }

        if (request.ChainId.Length > 0)
        {
            query = query.Where(r => r.ChainId == request.ChainId);
        }

        if (request.ToOrganizationId.Length > 0)
        {
            query = query.Where(r => r.ToOrganizationId == request.ToOrganizationId);
        }

        var (referrals, next) = await PageAsync(query, request.PageSize, request.PageToken, pageQuery, newestFirst: true, context.CancellationToken);
        audit.Read(referrals.Select(r => r.ServiceUserId));
        return new Proto.ListOutgoingReferralsResponse { Referrals = { referrals }, NextPageToken = next };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "referral", Purpose)]
    public override async Task<Proto.ListIncomingReferralsResponse> ListIncomingReferrals(Proto.ListIncomingReferralsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var statuses = StatusesOf(request.Statuses);
        var pageQuery = $"{context.Method}|{string.Join(',', statuses)}|{request.ToServiceId}|{request.HandlerMemberId}|{request.ServiceUserId}|{request.NeedId}|{request.CreateStartTime}|{request.CreateEndTime}";
        var query = db.Referrals.AsNoTracking().Where(r => r.ToOrganizationId == caller.OrganizationId);
        query = Filtered(query, statuses, request.ServiceUserId, request.NeedId, request.CreateStartTime, request.CreateEndTime);
        if (request.ToServiceId.Length > 0)
        {
            query = query.Where(r => r.ToServiceId == request.ToServiceId);
        }

        if (request.HandlerMemberId.Length > 0)
        {
            query = query.Where(r => r.HandlerMemberId == request.HandlerMemberId);
        }

        var (referrals, next) = await PageAsync(query, request.PageSize, request.PageToken, pageQuery, newestFirst: false, context.CancellationToken);
        audit.Read(referrals.Select(r => r.ServiceUserId));
        return new Proto.ListIncomingReferralsResponse { Referrals = { referrals }, NextPageToken = next };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.ReceiveReferralResponse> ReceiveReferral(Proto.ReceiveReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.Receive(actor, now),
            referral => new Proto.ReceiveReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override async Task<Proto.AcceptReferralResponse> AcceptReferral(Proto.AcceptReferralRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        var handler = await HandlerAsync(request.HandlerMemberId, caller, context.CancellationToken);
        return await StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.Accept(actor, handler, request.Note.Trim(), now),
            referral => new Proto.AcceptReferralResponse { Referral = referral.ToProto() });
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override async Task<Proto.DeclineReferralResponse> DeclineReferral(Proto.DeclineReferralRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        if (request.RedirectServiceId.Length == 0)
        {
            return await StepAsync(context, request, request.Id, request.Etag, request.RequestId,
                (referral, actor, at) => referral.Decline(actor, (DeclineReason)request.Reason, request.Note.Trim(), at),
                referral => new Proto.DeclineReferralResponse { Referral = referral.ToProto() });
        }

        // The redirect is checked like a new referral from the original sender, before anything is written: a receiver the
        // service user has not consented to is refused, and the decline does not happen without its redirect.
        var declined = await VisibleAsync(request.Id, caller, cancellationToken);
        var service = await ServiceAsync(request.RedirectServiceId, cancellationToken);
        var sender = new Caller(declined.FromMemberId, declined.FromOrganizationId, Role.Professional);
        var checkedNeed = await ConsentedAsync(sender, declined.NeedId, service, "", request.RedirectAcceptWait, now, cancellationToken, "REDIRECT_NOT_CONSENTED");
        var spec = SpecOf(declined.NeedId, checkedNeed, service, request.RedirectNote.Trim() is { Length: > 0 } note ? note : declined.Note, declined.Priority, declined.RequestedStart, declined.RequestedEnd);
        Proto.Referral? redirect = null;
        var response = await StepAsync(context, request, request.Id, request.Etag, request.RequestId, async (referral, actor, at) =>
        {
            if (await db.Referrals.AnyAsync(r => r.ChainId == referral.ChainId && r.ToServiceId == service.Id && r.Status != ReferralStatus.EnteredInError, cancellationToken))
            {
                throw new DomainRuleException("ALREADY_ASKED", $"The service '{service.Name}' was already asked in this chain; redirect elsewhere or decline without a redirect.");
            }

            referral.Decline(actor, (DeclineReason)request.Reason, request.Note.Trim(), at);
            var chain = await db.Chains.SingleAsync(c => c.Id == referral.ChainId, cancellationToken);
            var next = new Referral(chain, spec, new StepActor(referral.FromMemberId, referral.FromOrganizationId), at, referral, actor);
            referral.RedirectedTo(next);
            db.Referrals.Add(next);
            db.Requested(next, at);
            redirect = next.ToProto();
        }, referral => new Proto.DeclineReferralResponse { Referral = referral.ToProto(), RedirectReferral = redirect });
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.HoldReferralResponse> HoldReferral(Proto.HoldReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId,
            (referral, actor, now) => referral.Hold(actor, request.ExpectedResumeTime.ToInstant(), request.Note.Trim(), now),
            referral => new Proto.HoldReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.RequestReferralInformationResponse> RequestReferralInformation(Proto.RequestReferralInformationRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.RequestInformation(actor, request.Note.Trim(), now),
            referral => new Proto.RequestReferralInformationResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.ProvideReferralInformationResponse> ProvideReferralInformation(Proto.ProvideReferralInformationRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.ProvideInformation(actor, request.Note.Trim(), now),
            referral => new Proto.ProvideReferralInformationResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.StartReferralResponse> StartReferral(Proto.StartReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.Start(actor, request.Note.Trim(), now),
            referral => new Proto.StartReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.CompleteReferralResponse> CompleteReferral(Proto.CompleteReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId,
            (referral, actor, now) => referral.Complete(actor, (ReferralOutcome)request.Outcome, request.Note.Trim(), now),
            referral => new Proto.CompleteReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.CancelReferralResponse> CancelReferral(Proto.CancelReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.Cancel(actor, request.Note.Trim(), now),
            referral => new Proto.CancelReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.FailReferralResponse> FailReferral(Proto.FailReferralRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId,
            (referral, actor, now) => referral.Fail(actor, (FailureReason)request.Reason, request.Note.Trim(), now),
            referral => new Proto.FailReferralResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Change, "referral", Purpose)]
    public override Task<Proto.MarkReferralEnteredInErrorResponse> MarkReferralEnteredInError(Proto.MarkReferralEnteredInErrorRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.Id, request.Etag, request.RequestId, (referral, actor, now) => referral.MarkEnteredInError(actor, request.Note.Trim(), now),
            referral => new Proto.MarkReferralEnteredInErrorResponse { Referral = referral.ToProto() });

    /// <inheritdoc />
    [Audited(AuditKind.Read, "referral", Purpose)]
    public override async Task<Proto.ListAtRiskNeedsResponse> ListAtRiskNeeds(Proto.ListAtRiskNeedsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var cancellationToken = context.CancellationToken;
        var coordinator = request.CoordinatorMemberId.Length > 0 ? request.CoordinatorMemberId : caller.MemberId;
        if (coordinator != caller.MemberId && (await memberships.FindAsync(coordinator, cancellationToken))?.OrganizationId != caller.OrganizationId)
        {
            throw new NotFoundException("Member", coordinator);
        }

        var size = Paging.Size(request.PageSize, 50, 200);
        var pageQuery = $"{context.Method}|{coordinator}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 2)?.Keys;

        // Longest at risk first: by detection time, then id, both in the page token.
        var chains = db.Chains.AsNoTracking()
            .Where(c => c.Reasons != PillarToPostReasons.None && c.DetectedAt != null)
            .Where(c => (c.CoordinatorOrganizationId == caller.OrganizationId && c.CoordinatorMemberId == coordinator)
                || (c.CaseId == null && c.StartedByOrganizationId == caller.OrganizationId && c.StartedByMemberId == coordinator));
        if (after is [var ticks, var id] && long.TryParse(ticks, CultureInfo.InvariantCulture, out var detected))
        {
            var since = new DateTimeOffset(detected, TimeSpan.Zero);
            chains = chains.Where(c => c.DetectedAt > since || (c.DetectedAt == since && string.Compare(c.Id, id) > 0));
        }

        var page = await chains.OrderBy(c => c.DetectedAt).ThenBy(c => c.Id).Take(size + 1).ToListAsync(cancellationToken);
        var more = page.Count > size;
        page = more ? page[..size] : page;
        var ids = page.Select(c => c.Id).ToList();
        var referrals = (await db.Referrals.AsNoTracking().Where(r => ids.Contains(r.ChainId)).ToListAsync(cancellationToken)).ToLookup(r => r.ChainId);
        var last = more ? page[^1] : null;
        audit.Read(page.Select(c => c.ServiceUserId));
        return new Proto.ListAtRiskNeedsResponse
        {
            Needs = { page.Select(c => c.ToAtRiskNeed(referrals[c.Id])) },
            NextPageToken = last is null ? "" : pageTokens.Encode(new PageCursor([last.DetectedAt!.Value.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id]), pageQuery),
        };
    }

    // One step of a referral's life, run once per request id: visible to the caller (else NOT_FOUND), its chain locked so
    // that the chain's judgement sees every step of its referrals, the etag checked, the step taken by the domain, and the
    // event and the chain's new state written in the same transaction.
    private Task<TResponse> StepAsync<TRequest, TResponse>(
        ServerCallContext context, TRequest request, string id, string etag, string requestId, Action<Referral, StepActor, DateTimeOffset> step, Func<Referral, TResponse> respond)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        StepAsync(context, request, id, etag, requestId, (referral, actor, now) =>
        {
            step(referral, actor, now);
            return Task.CompletedTask;
        }, respond);

    private async Task<TResponse> StepAsync<TRequest, TResponse>(
        ServerCallContext context, TRequest request, string id, string etag, string requestId, Func<Referral, StepActor, DateTimeOffset, Task> step, Func<Referral, TResponse> respond)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        var visible = await VisibleAsync(id, caller, cancellationToken);
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.LockAsync(db.Chains.Where(c => c.Id == visible.ChainId), cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, requestId, now, async () =>
        {
            var referral = await db.ReferralToChangeAsync(id, cancellationToken);
            referral.EnsureVersion(etag, "referral");
            await step(referral, new StepActor(caller.MemberId, caller.OrganizationId), now);
            db.StepTaken(referral, now);
            await db.AssessChainAsync(referral.ChainId, options.Value.PillarToPost, now, cancellationToken);
            return respond(referral);
        }, _ => id, _ => visible.ServiceUserId);
        await write.CommitAsync(cancellationToken);
        feed.Wake();
        return response;
    }

    // The referral when the caller's organization sent it, received it or coordinates the service user's case; a refusal
    // is on record under the referral's service user too.
    private async Task<Referral> VisibleAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        audit.Subject(id, await db.ServiceUserOfReferralAsync(id, cancellationToken));
        return await db.ReferralVisibleToAsync(id, caller.OrganizationId, cancellationToken) ?? throw new NotFoundException("Referral", id);
    }

    private async Task<KnownService> ServiceAsync(string id, CancellationToken cancellationToken) =>
        await db.KnownServiceAsync(id, cancellationToken) ?? throw new NotFoundException("Service", id);

    // Asks the cases service about the need and the consent, then holds the service's terms against the answer.
    private async Task<Proto.CheckReferralConsentResponse> ConsentedAsync(
        Caller sender, string needId, KnownService service, string consentId, bool acceptsWait, DateTimeOffset now, CancellationToken cancellationToken, string refusal)
    {
        var answer = await consent.CheckAsync(sender, needId, service.OrganizationId, consentId, cancellationToken);
        audit.Subject(needId, answer.ServiceUserId);
        if (!answer.Granted)
        {
            throw new PermissionDeniedException(
                consentId.Length > 0
                    ? $"The consent '{consentId.Capped(64, "…")}' does not cover referring this need to the service's organization (purpose REFERRAL, the need's life domain, valid now)."
                    : "No valid REFERRAL consent of the service user covers the service's organization and the need's life domain.",
                refusal);
        }

        audit.Grounds($"consent:{answer.ConsentId}");
        if (answer.NeedStatus == Proto.NeedStatus.Met)
        {
            throw new DomainRuleException("NEED_MET", "The need is met; record a new need to refer again.");
        }

        service.EnsureTakes(new ReferralCandidate(answer.AgeYears, answer.Neighbourhood, (LifeDomain)answer.LifeDomain, acceptsWait), now);
        return answer;
    }

    private static ReferralSpec SpecOf(
        string needId, Proto.CheckReferralConsentResponse need, KnownService service, string note, ReferralPriority priority, DateTimeOffset? start, DateTimeOffset? end) =>
        new(need.ServiceUserId, needId, (LifeDomain)need.LifeDomain, need.ConsentId, need.CaseId.Length > 0 ? need.CaseId : null, service, note, priority, start, end);

    // The need's open chain, or a new one: all referrals of a need share a chain until one of them completes.
    private async Task<Chain> OpenChainAsync(string needId, Proto.CheckReferralConsentResponse need, StepActor sender, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var coordination = new Coordination(
            need.CaseId.Length > 0 ? need.CaseId : null, need.CoordinatorMemberId.Length > 0 ? need.CoordinatorMemberId : null,
            need.CoordinatorOrganizationId.Length > 0 ? need.CoordinatorOrganizationId : null, need.CaseVersion);
        if (await db.OpenChainOfAsync(needId, cancellationToken) is { } open)
        {
            open.Coordinate(coordination);
            return open;
        }

        var riskVersion = await db.LatestRiskVersionAsync(needId, cancellationToken) ?? 0;
        var chain = new Chain(needId, need.ServiceUserId, (LifeDomain)need.LifeDomain, coordination, sender, riskVersion, now);
        db.Chains.Add(chain);
        return chain;
    }

    private async Task<Referral> SendAsync(Chain chain, ReferralSpec spec, StepActor sender, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var serviceId = spec.Service.Id;
        if (await db.HasOpenReferralToAsync(chain.Id, serviceId, cancellationToken))
        {
            throw new AlreadyExistsException("REFERRAL_ALREADY_OPEN", "The need already has an open referral to this service.");
        }

        var referral = new Referral(chain, spec, sender, now);
        db.Referrals.Add(referral);
        db.Requested(referral, now);
        return referral;
    }

    // The member who will handle an accepted referral: the caller, or an active professional of the caller's organization.
    private async Task<string> HandlerAsync(string memberId, Caller caller, CancellationToken cancellationToken)
    {
        if (memberId.Length == 0 || memberId == caller.MemberId)
        {
            return caller.MemberId;
        }

        var standing = await memberships.FindAsync(memberId, cancellationToken);
        return standing is { IsActive: true, Role: Role.Professional } && standing.OrganizationId == caller.OrganizationId
            ? standing.MemberId
            : throw new DomainRuleException("HANDLER_NOT_ELIGIBLE", "The handler must be an active professional of the receiving organization.");
    }

    private async Task<(IEnumerable<Proto.Referral> Referrals, string NextPageToken)> PageAsync(
        IQueryable<Referral> query, int requestedSize, string token, string pageQuery, bool newestFirst, CancellationToken cancellationToken)
    {
        var size = Paging.Size(requestedSize, 50, 200);
        var after = pageTokens.Decode(token, pageQuery, keyCount: 1)?.Keys[0];
        var page = await Paging.PageAsync(query, after, size, cancellationToken, newestFirst);
        return (page.Items.Select(r => r.ToProto()), pageTokens.NextToken(page, pageQuery));
    }

    private static List<ReferralStatus> StatusesOf(IEnumerable<Proto.ReferralStatus> statuses) =>
        [.. statuses.Where(s => s != Proto.ReferralStatus.Unspecified).Select(s => (ReferralStatus)s).Distinct().Order()];

    private static IQueryable<Referral> Filtered(
        IQueryable<Referral> query, List<ReferralStatus> statuses, string serviceUserId, string needId, Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? until)
    {
        if (statuses.Count > 0)
        {
            query = query.Where(r => statuses.Contains(r.Status));
        }

        if (serviceUserId.Length > 0)
        {
            query = query.Where(r => r.ServiceUserId == serviceUserId);
        }

        if (needId.Length > 0)
        {
            query = query.Where(r => r.NeedId == needId);
        }

        if (from is not null)
        {
            var start = from.ToInstant();
            query = query.Where(r => r.CreatedAt >= start);
        }

        if (until is not null)
        {
            var end = until.ToInstant();
            query = query.Where(r => r.CreatedAt < end);
        }

        return query;
    }
}
