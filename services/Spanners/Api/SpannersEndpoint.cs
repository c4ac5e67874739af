using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Api;
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
/// Boundary spanners and their assignments. A spanner's organization registers, changes, checks in on and stops it; the
/// organization coordinating a service user's case matches and proposes spanners under a COORDINATION consent that the
/// cases service confirms on every call. Every write takes a request id and runs once; the change, its events, the stored
/// answer and the audit record commit together.
/// </summary>
public sealed partial class SpannersEndpoint(
    SpannersDbContext db,
    AuditScope audit,
    CasesSupport cases,
    MembershipCache memberships,
    TimeProvider time,
    PageTokens pageTokens,
    IOptions<SpannersOptions> options) : Proto.SpannersService.SpannersServiceBase
{
    private const string Administration = "spanner-administration";
    private const string Coordination = "coordination";

    private SpannerPolicy Policy => options.Value.Policy;

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.RegisterSpannerResponse> RegisterSpanner(Proto.RegisterSpannerRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var now = time.GetUtcNow();
        var profile = request.Spanner.ToProfile();
        await EnsureProfileAsync(profile, caller.OrganizationId, null, context.CancellationToken);
        return await db.CreateOnceAsync(context, caller, request, request.RequestId, now, () =>
        {
            var spanner = new BoundarySpanner(caller.OrganizationId, profile, now);
            db.Spanners.Add(spanner);
            db.AddEvent(spanner.ChangedEvent(), now);
            return Task.FromResult(new Proto.RegisterSpannerResponse { Spanner = spanner.ToProto(0, new SpannerView(true, false), now, Policy) });
        }, created => created.Spanner.Id);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "spanner", Administration)]
    public override async Task<Proto.GetSpannerResponse> GetSpanner(Proto.GetSpannerRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        audit.Subject(request.Id);
        var spanner = await FindAsync(request.Id, tracked: false, context.CancellationToken);
        var shown = await ShownAsync([spanner], caller, context.CancellationToken);
        return new Proto.GetSpannerResponse { Spanner = shown[0] };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "spanner", Administration)]
    public override async Task<Proto.ListSpannersResponse> ListSpanners(Proto.ListSpannersRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var pageQuery = $"{context.Method}|{request.OrganizationId}|{request.Status}|{request.Language}|{request.Neighbourhood}|{request.LifeDomain}";
        var query = db.Spanners.AsNoTracking();
        query = request.Status == Proto.SpannerStatus.Unspecified
            ? query.Where(s => s.Status != SpannerStatus.Stopped)
            : query.Where(s => s.Status == (SpannerStatus)request.Status);
        if (request.OrganizationId.Length > 0)
        {
            query = query.Where(s => s.OrganizationId == request.OrganizationId);
        }

        if (request.Language.Length > 0)
        {
            query = query.Where(s => s.Languages.Contains(request.Language));
        }

        if (request.Neighbourhood.Length > 0)
        {
            query = query.Where(s => s.Neighbourhoods.Contains(request.Neighbourhood));
        }

        if (request.LifeDomain != Proto.LifeDomain.Unspecified)
        {
            var domain = (LifeDomain)request.LifeDomain;
            query = query.Where(s => s.LifeDomains.Contains(domain));
        }

        var size = Paging.Size(request.PageSize, 50, 200);
        var page = await Paging.PageAsync(query, pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0], size, context.CancellationToken);
        return new Proto.ListSpannersResponse
        {
            Spanners = { await ShownAsync(page.Items, caller, context.CancellationToken) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.UpdateSpannerResponse> UpdateSpanner(Proto.UpdateSpannerRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        audit.Subject(request.Spanner.Id);
        var spanner = await FindAsync(request.Spanner.Id, tracked: true, cancellationToken);
        RequireSupporter(caller, spanner);
        spanner.EnsureVersion(request.Spanner.Etag, "spanner");
        var held = (await db.HeldPlacesAsync([spanner.Id], cancellationToken)).GetValueOrDefault(spanner.Id);
        var merged = ProtoValues.MergeUpdate(spanner.ToProto(held, new SpannerView(true, true), now, Policy), request.Spanner, request.UpdateMask, Changeable);
        new SpannerValidator().EnsureValid(merged, "spanner");
        var profile = merged.ToProfile();
        await EnsureProfileAsync(profile, spanner.OrganizationId, spanner.Id, cancellationToken);
        spanner.Change(profile, now);
        db.AddEvent(spanner.ChangedEvent(), now);
        await db.SaveChangesAsync(cancellationToken);
        return new Proto.UpdateSpannerResponse { Spanner = spanner.ToProto(held, new SpannerView(true, true), now, Policy) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "service-user", Coordination)]
    public override async Task<Proto.MatchSpannersResponse> MatchSpanners(Proto.MatchSpannersRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        audit.Subject(request.ServiceUserId, request.ServiceUserId);
        var facts = await cases.RequireAsync(caller, request.ServiceUserId, request.NeedId.Length > 0 ? request.NeedId : null, cancellationToken);
        audit.Subject(facts.ServiceUserId, facts.ServiceUserId);
        audit.Grounds($"consent:{facts.ConsentId}");
        var size = Paging.Size(request.PageSize, 10, 50);
        var pageQuery = $"{context.Method}|{facts.ServiceUserId}|{string.Join(',', request.LifeDomains)}|{request.NeedId}|{request.LanguageRequired}";
        var offset = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 0)?.Position ?? 0;
        var ranked = await RankAsync(facts, facts.DomainsOf(request.LifeDomains), request.LanguageRequired, now, exclude: null, cancellationToken);
        var page = ranked.Skip(offset).Take(size).ToList();
        var shown = await ShownAsync([.. page.Select(f => f.Spanner)], caller, cancellationToken, [.. page.Select(f => f.Spanner.MaxServiceUsers - f.FreePlaces)]);
        return new Proto.MatchSpannersResponse
        {
            Matches =
            {
                page.Select((fit, i) => new Proto.SpannerMatch
                {
                    Spanner = shown[i],
                    Rank = offset + i + 1,
                    LanguageMatch = fit.SpeaksPreferred,
                    NeighbourhoodMatch = fit.InNeighbourhood,
                    MatchedLifeDomains = { fit.MatchedDomains.Select(d => (Proto.LifeDomain)d) },
                    FreePlaces = fit.FreePlaces,
                    RankingReason = fit.Reason(facts.Neighbourhood),
                    SharedLanguages = { fit.SharedLanguages },
                    KnownToHousehold = fit.KnownToHousehold,
                }),
            },
            NextPageToken = offset + size < ranked.Count ? pageTokens.Encode(new PageCursor([], offset + size), pageQuery) : "",
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner-assignment", Coordination)]
    public override async Task<Proto.AssignSpannerResponse> AssignSpanner(Proto.AssignSpannerRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        var spec = request.Assignment;
        audit.Subject(spec.SpannerId, spec.ServiceUserId);
        var facts = await CoordinatedAsync(caller, spec.ServiceUserId, spec.NeedId.Length > 0 ? spec.NeedId : null, cancellationToken);
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            var spanner = await LockedSpannerAsync(spec.SpannerId, cancellationToken);
            var assignment = await ProposeAsync(
                spanner, new AssignmentSpec(facts.ServiceUserId, spec.NeedId.Length > 0 ? spec.NeedId : null, facts.CaseId, spec.ConstantContact, spec.Note.Trim()),
                caller, now, cancellationToken);
            return new Proto.AssignSpannerResponse { Assignment = assignment.ToProto() };
        }, created => created.Assignment.Id, created => created.Assignment.ServiceUserId);
        await write.CommitAsync(cancellationToken);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner-assignment", Coordination)]
    public override async Task<Proto.ConfirmSpannerAssignmentResponse> ConfirmSpannerAssignment(Proto.ConfirmSpannerAssignmentRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        var party = (AssignmentParty)request.Party;
        var found = await VisibleAssignmentAsync(request.Id, caller, cancellationToken);
        if (party == AssignmentParty.ServiceUser)
        {
            // The service user's word is recorded by the organization coordinating the case, under its consent now.
            await CoordinatedAsync(caller, found.ServiceUserId, null, cancellationToken);
        }
        else if (caller.OrganizationId != found.SpannerOrganizationId)
        {
            throw new PermissionDeniedException("The spanner's agreement is recorded by its own organization.", "NOT_SPANNER_ORGANIZATION");
        }

        return await AssignmentStepAsync(context, caller, request, found, request.Etag, request.RequestId, async (assignment, spanner) =>
        {
            if (assignment.Agree(party, now))
            {
                await StartAsync(assignment, spanner, now, cancellationToken);
            }
        }, assignment => new Proto.ConfirmSpannerAssignmentResponse { Assignment = assignment.ToProto() });
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner-assignment", Coordination)]
    public override async Task<Proto.EndSpannerAssignmentResponse> EndSpannerAssignment(Proto.EndSpannerAssignmentRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        var found = await VisibleAssignmentAsync(request.Id, caller, cancellationToken);
        if (caller.OrganizationId != found.SpannerOrganizationId)
        {
            await CoordinatedAsync(caller, found.ServiceUserId, null, cancellationToken);
        }

        return await AssignmentStepAsync(context, caller, request, found, request.Etag, request.RequestId,
            (assignment, _) => EndAsync(assignment, (AssignmentEndReason)request.Reason, request.Note.Trim(), now, cancellationToken),
            assignment => new Proto.EndSpannerAssignmentResponse { Assignment = assignment.ToProto() });
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "spanner-assignment", Coordination)]
    public override async Task<Proto.ListSpannerAssignmentsResponse> ListSpannerAssignments(Proto.ListSpannerAssignmentsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var query = db.Assignments.AsNoTracking();
        if (request.SpannerId.Length > 0)
        {
            audit.Subject(request.SpannerId);
            RequireSupporter(caller, await FindAsync(request.SpannerId, tracked: false, cancellationToken));
            query = query.Where(a => a.SpannerId == request.SpannerId);
        }

        var serviceUserId = request.ServiceUserId;
        if (serviceUserId.Length > 0)
        {
            audit.Subject(serviceUserId, serviceUserId);
            var facts = await cases.RequireAsync(caller, serviceUserId, null, cancellationToken);
            audit.Grounds($"consent:{facts.ConsentId}");
            serviceUserId = facts.ServiceUserId;
            query = query.Where(a => a.ServiceUserId == serviceUserId);
        }

        if (!request.IncludeEnded)
        {
            query = query.Where(a => a.Status != AssignmentStatus.Ended);
        }

        var pageQuery = $"{context.Method}|{request.SpannerId}|{serviceUserId}|{request.IncludeEnded}";
        var size = Paging.Size(request.PageSize, 50, 200);
        var page = await Paging.PageAsync(query, pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0], size, cancellationToken, newestFirst: true);
        audit.Read(page.Items.Select(a => a.ServiceUserId));
        return new Proto.ListSpannerAssignmentsResponse { Assignments = { page.Items.Select(a => a.ToProto()) }, NextPageToken = pageTokens.NextToken(page, pageQuery) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "spanner", Administration)]
    public override async Task<Proto.RecordBurdenCheckInResponse> RecordBurdenCheckIn(Proto.RecordBurdenCheckInRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        audit.Subject(request.SpannerId);
        RequireSupporter(caller, await FindAsync(request.SpannerId, tracked: false, cancellationToken));
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            var spanner = await LockedSpannerAsync(request.SpannerId, cancellationToken);
            var checkIn = new BurdenCheckIn(spanner, request.Score, request.Note.Trim(), caller.MemberId, now, Policy);
            db.CheckIns.Add(checkIn);
            if (checkIn.RaisedFlag)
            {
                db.AddEvent(checkIn.FlaggedEvent(spanner), now);
            }

            var held = (await db.HeldPlacesAsync([spanner.Id], cancellationToken)).GetValueOrDefault(spanner.Id);
            return new Proto.RecordBurdenCheckInResponse { CheckIn = checkIn.ToProto(), Spanner = spanner.ToProto(held, new SpannerView(true, true), now, Policy) };
        }, created => created.CheckIn.Id);
        await write.CommitAsync(cancellationToken);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "spanner", Administration)]
    public override async Task<Proto.ListBurdenCheckInsResponse> ListBurdenCheckIns(Proto.ListBurdenCheckInsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        audit.Subject(request.SpannerId);
        RequireSupporter(caller, await FindAsync(request.SpannerId, tracked: false, context.CancellationToken));
        var pageQuery = $"{context.Method}|{request.SpannerId}";
        var size = Paging.Size(request.PageSize, 50, 200);
        var query = db.CheckIns.AsNoTracking().Where(c => c.SpannerId == request.SpannerId);
        var page = await Paging.PageAsync(query, pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0], size, context.CancellationToken, newestFirst: true);
        return new Proto.ListBurdenCheckInsResponse { CheckIns = { page.Items.Select(c => c.ToProto()) }, NextPageToken = pageTokens.NextToken(page, pageQuery) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "spanner", Administration)]
    public override async Task<Proto.ListSpannersAtRiskResponse> ListSpannersAtRisk(Proto.ListSpannersAtRiskRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional);
        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        var policy = Policy;
        var pageQuery = $"{context.Method}|{request.Neighbourhood}";
        var size = Paging.Size(request.PageSize, 50, 200);
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];

        // An organization supports tens of spanners, not thousands: its own are judged here, where each rule is the domain's.
        var own = db.Spanners.AsNoTracking().Where(s => s.OrganizationId == caller.OrganizationId && s.Status != SpannerStatus.Stopped);
        if (request.Neighbourhood.Length > 0)
        {
            own = own.Where(s => s.Neighbourhoods.Contains(request.Neighbourhood));
        }

        if (after is not null)
        {
            own = own.Where(s => string.Compare(s.Id, after) > 0);
        }

        var spanners = await own.OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var held = await db.HeldPlacesAsync([.. spanners.Select(s => s.Id)], cancellationToken);
        var backups = spanners.Select(s => s.BackupSpannerId).OfType<string>().Distinct().ToList();
        var activeBackups = (await db.Spanners.AsNoTracking().Where(s => backups.Contains(s.Id) && s.Status == SpannerStatus.Active).Select(s => s.Id).ToListAsync(cancellationToken)).ToHashSet();
        var atRisk = spanners
            .Select(s => (Spanner: s, Risks: s.RisksAt(now, held.GetValueOrDefault(s.Id), s.BackupSpannerId is { } b && activeBackups.Contains(b), policy)))
            .Where(s => s.Risks != SpannerRisks.None)
            .Take(size + 1)
            .ToList();
        var more = atRisk.Count > size;
        atRisk = more ? atRisk[..size] : atRisk;
        return new Proto.ListSpannersAtRiskResponse
        {
            Spanners =
            {
                atRisk.Select(s => new Proto.SpannerAtRisk
                {
                    Spanner = s.Spanner.ToProto(held.GetValueOrDefault(s.Spanner.Id), new SpannerView(true, true), now, policy),
                    Risks = { s.Risks.ToProto() },
                }),
            },
            NextPageToken = more ? pageTokens.Encode(new PageCursor([atRisk[^1].Spanner.Id]), pageQuery) : "",
        };
    }

    /// <inheritdoc />
    [NotAudited("aggregates over a neighbourhood; no person's data is read out")]
    public override async Task<Proto.GetContinuityReportResponse> GetContinuityReport(Proto.GetContinuityReportRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin, Role.Professional, Role.NetworkAdmin);
        var cancellationToken = context.CancellationToken;
        var (from, to) = (request.StartTime.ToInstant(), request.EndTime.ToInstant());
        var neighbourhood = request.Neighbourhood;
        var residents = db.Residents.AsNoTracking().Where(r => r.Neighbourhood == neighbourhood).Select(r => r.ServiceUserId);
        var count = await residents.CountAsync(cancellationToken);
        var spells = await db.ContactSpells.AsNoTracking()
            .Where(s => residents.Contains(s.ServiceUserId) && s.StartAt < to && (s.EndAt == null || s.EndAt > from)).ToListAsync(cancellationToken);
        var departures = await db.ProfessionalDepartures.AsNoTracking()
            .Where(d => residents.Contains(d.ServiceUserId) && d.At >= from && d.At < to).ToListAsync(cancellationToken);
        var figures = ContinuityFigures.Of(count, spells, departures, from, to);
        return new Proto.GetContinuityReportResponse { Report = figures.ToProto(request) };
    }

    private static readonly string[] Changeable =
        ["display_name", "kind", "member_id", "phone", "languages", "neighbourhoods", "life_domains", "max_service_users", "hours_per_week", "backup_spanner_id", "conduct_certificate_date"];

    // One step of an assignment's life, run once per request id: its spanner's row locked (the step may take or free a
    // place), the etag checked, the step taken, and its events, the stored answer and the audit record committed together.
    private async Task<TResponse> AssignmentStepAsync<TRequest, TResponse>(
        ServerCallContext context, Caller caller, TRequest request, SpannerAssignment found, string etag, string requestId,
        Func<SpannerAssignment, BoundarySpanner, Task> step, Func<SpannerAssignment, TResponse> respond)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var cancellationToken = context.CancellationToken;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, requestId, time.GetUtcNow(), async () =>
        {
            var spanner = await LockedSpannerAsync(found.SpannerId, cancellationToken);
            var assignment = await db.Assignments.SingleAsync(a => a.Id == found.Id, cancellationToken);
            assignment.EnsureVersion(etag, "assignment");
            await step(assignment, spanner);
            return respond(assignment);
        }, _ => found.Id, _ => found.ServiceUserId);
        await write.CommitAsync(cancellationToken);
        return response;
    }

    // A proposal of a spanner locked by the caller: it must be able to take the service user on, and the service user must
    // not have it already (nor, for a constant contact, another one proposed).
    private async Task<SpannerAssignment> ProposeAsync(
        BoundarySpanner spanner, AssignmentSpec spec, Caller proposer, DateTimeOffset now, CancellationToken cancellationToken, SpannerAssignment? previous = null, string handoverNote = "")
    {
        var held = (await db.HeldPlacesAsync([spanner.Id], cancellationToken)).GetValueOrDefault(spanner.Id);
        spanner.EnsureCanTakeOn(held, DateOnly.FromDateTime(now.UtcDateTime), Policy);
        var serviceUserId = spec.ServiceUserId;
        if (await db.Assignments.AnyAsync(a => a.ServiceUserId == serviceUserId && a.SpannerId == spanner.Id && a.Status != AssignmentStatus.Ended, cancellationToken))
        {
            throw new AlreadyExistsException("ALREADY_ASSIGNED", "The spanner is already assigned or proposed to the service user.");
        }

        if (spec.ConstantContact && await db.Assignments.AnyAsync(a => a.ServiceUserId == serviceUserId && a.ConstantContact && a.Status == AssignmentStatus.Proposed, cancellationToken))
        {
            throw new DomainRuleException("CONSTANT_CONTACT_PROPOSED", "Another constant contact is proposed to the service user; end that proposal first.");
        }

        if (spec.ConstantContact && previous is null
            && await db.Assignments.AnyAsync(a => a.ServiceUserId == serviceUserId && a.ConstantContact && a.Status == AssignmentStatus.Active, cancellationToken))
        {
            throw new DomainRuleException("CONSTANT_CONTACT_EXISTS", "The service user has a constant contact; end that assignment first, or propose this spanner as support.");
        }

        var assignment = new SpannerAssignment(spanner, spec, proposer.MemberId, proposer.OrganizationId, now, previous, handoverNote);
        db.Assignments.Add(assignment);
        await db.SaveChangesAsync(cancellationToken);
        return assignment;
    }

    // Both agreed: a successor's start ends the stopped spanner's assignment first (its slot must be free).
    private async Task StartAsync(SpannerAssignment assignment, BoundarySpanner spanner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (assignment.PreviousAssignmentId is { } previousId && await db.Assignments.SingleAsync(a => a.Id == previousId, cancellationToken) is { IsOpen: true } previous)
        {
            previous.EndHandover(now);
            db.AddEvent(previous.EndedEvent(), now);
            await db.SaveChangesAsync(cancellationToken);
        }

        db.AddEvent(assignment.AssignedEvent(spanner), now);
    }

    // An assignment ends. A successor's proposal that ends without starting leaves its service user with the stopped or
    // paused spanner: with one who has resumed since, the assignment simply stays; otherwise it ends too and the
    // coordinator is told, as when nobody fitted at the stop or pause.
    private async Task EndAsync(SpannerAssignment assignment, AssignmentEndReason reason, string note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wasActive = assignment.Status == AssignmentStatus.Active;
        assignment.End(reason, note, now);
        if (wasActive)
        {
            db.AddEvent(assignment.EndedEvent(), now);
        }

        if (!wasActive && assignment.PreviousAssignmentId is { } previousId
            && await db.Assignments.SingleAsync(a => a.Id == previousId, cancellationToken) is { IsOpen: true } previous)
        {
            if (await db.Spanners.AnyAsync(s => s.Id == previous.SpannerId && s.Status == SpannerStatus.Active, cancellationToken))
            {
                previous.CancelHandover(now);
                return;
            }

            previous.EndHandover(now);
            db.AddEvent(previous.EndedEvent(), now);
            db.AddEvent(previous.SucceededEvent(SuccessionBasis.None, null), now);
        }
    }

    private Task<List<SpannerFit>> RankAsync(
        Proto.CheckSupportConsentResponse facts, IReadOnlyList<LifeDomain> domains, bool languageRequired, DateTimeOffset now, string? exclude, CancellationToken cancellationToken) =>
        db.RankAsync(facts.ToSupportRequest(domains), languageRequired, now, Policy, exclude, cancellationToken);

    // The consent and facts a coordinator's assignment work needs: the caller's organization holds a COORDINATION consent
    // and coordinates the service user's open case.
    private async Task<Proto.CheckSupportConsentResponse> CoordinatedAsync(Caller caller, string serviceUserId, string? needId, CancellationToken cancellationToken)
    {
        var facts = await cases.RequireAsync(caller, serviceUserId, needId, cancellationToken);
        audit.Grounds($"consent:{facts.ConsentId}");
        if (facts.CaseId.Length == 0)
        {
            throw new DomainRuleException("NO_OPEN_CASE", "The service user has no open case; spanners are assigned within a case by its coordinating organization.");
        }

        if (facts.CoordinatorOrganizationId != caller.OrganizationId)
        {
            throw new PermissionDeniedException("Only the organization coordinating the service user's case assigns spanners.", "NOT_COORDINATOR");
        }

        return facts;
    }

    // The assignment when the caller's organization supports its spanner or proposed it; a refusal is on record under the
    // assignment's service user too.
    private async Task<SpannerAssignment> VisibleAssignmentAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var assignment = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        audit.Subject(id, assignment?.ServiceUserId);
        if (assignment is null)
        {
            throw new NotFoundException("Assignment", id);
        }

        // A coordinator who took the case over after the assignment was made sees it through its own consent.
        if (assignment.SpannerOrganizationId != caller.OrganizationId && assignment.AssignedByOrganizationId != caller.OrganizationId)
        {
            var coordinates = false;
            try
            {
                var facts = await cases.CheckAsync(caller.OrganizationId, caller.MemberId, assignment.ServiceUserId, null, cancellationToken);
                coordinates = facts.Granted && facts.CoordinatorOrganizationId == caller.OrganizationId;
            }
            catch (NotFoundException)
            {
            }

            if (!coordinates)
            {
                throw new NotFoundException("Assignment", id);
            }
        }

        return assignment;
    }

    private async Task<BoundarySpanner> FindAsync(string id, bool tracked, CancellationToken cancellationToken) =>
        await (tracked ? db.Spanners : db.Spanners.AsNoTracking()).FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
        ?? throw new NotFoundException("Spanner", id);

    // The spanner, its row locked until the transaction ends: its places are counted and taken one writer at a time.
    private async Task<BoundarySpanner> LockedSpannerAsync(string id, CancellationToken cancellationToken)
    {
        await db.LockAsync(db.Spanners.Where(s => s.Id == id), cancellationToken);
        return await db.Spanners.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException("Spanner", id);
    }

    private static void RequireSupporter(Caller caller, BoundarySpanner spanner)
    {
        if (caller.OrganizationId != spanner.OrganizationId)
        {
            throw new PermissionDeniedException("Only the spanner's own organization manages it and sees its burden.", "NOT_SPANNER_ORGANIZATION");
        }
    }

    // A linking-pin professional is an active member of the spanner's organization; a backup is another spanner of it that has not stopped.
    private async Task EnsureProfileAsync(SpannerProfile profile, string organizationId, string? spannerId, CancellationToken cancellationToken)
    {
        if (profile.MemberId is { } memberId && await memberships.FindAsync(memberId, cancellationToken) is var member
            && (member is not { IsActive: true } || member.OrganizationId != organizationId))
        {
            throw new DomainRuleException("MEMBER_NOT_ELIGIBLE", "A linking-pin professional must be an active member of the spanner's organization.");
        }

        if (profile.BackupSpannerId is { } backupId && backupId != spannerId
            && !await db.Spanners.AnyAsync(s => s.Id == backupId && s.OrganizationId == organizationId && s.Status != SpannerStatus.Stopped, cancellationToken))
        {
            throw new DomainRuleException("BACKUP_NOT_ELIGIBLE", "The backup must be a spanner of the same organization that has not stopped.");
        }
    }

    // The spanners as the caller may see them: the burden for their own organization, the phone where it works with them.
    private async Task<List<Proto.BoundarySpanner>> ShownAsync(IReadOnlyList<BoundarySpanner> spanners, Caller caller, CancellationToken cancellationToken, IReadOnlyList<int>? heldPlaces = null)
    {
        var now = time.GetUtcNow();
        var ids = spanners.Select(s => s.Id).ToList();
        var held = heldPlaces is null ? await db.HeldPlacesAsync(ids, cancellationToken) : null;
        var organization = caller.OrganizationId;
        var worksWith = (await db.Assignments.AsNoTracking()
            .Where(a => ids.Contains(a.SpannerId) && a.AssignedByOrganizationId == organization && a.Status != AssignmentStatus.Ended)
            .Select(a => a.SpannerId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        return [.. spanners.Select((s, i) => s.ToProto(
            heldPlaces?[i] ?? held!.GetValueOrDefault(s.Id), new SpannerView(s.OrganizationId == organization, worksWith.Contains(s.Id)), now, Policy))];
    }
}
