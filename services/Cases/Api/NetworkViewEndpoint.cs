using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Cases.Api;

/// <summary>
/// The network view of a service user ("who is doing what, when") in a fixed handful of reads of this service's own
/// database, filtered to the caller's consent and saying what it left out; emergency access for medical professionals;
/// the access log and the list of emergency accesses to review.
/// </summary>
public sealed class NetworkViewEndpoint(CasesDbContext db, AuditScope audit, BsnKeys bsnKeys, TimeProvider time, PageTokens pageTokens, IOptions<CasesOptions> options, NetworkViewCache views)
    : Proto.NetworkViewService.NetworkViewServiceBase
{
    private const string Care = "care";
    private const string Emergency = "emergency-access";
    private const string PrivacyReview = "privacy-review";
    private const int AllDomains = -1;

    /// <inheritdoc />
    [Audited(AuditKind.Change, "emergency-access", Emergency)]
    public override async Task<Proto.BreakTheGlassResponse> BreakTheGlass(Proto.BreakTheGlassRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        if (!options.Value.MedicalProfessions.Contains(caller.Profession, StringComparer.OrdinalIgnoreCase))
        {
            throw new PermissionDeniedException("Only a medical professional may break the glass.", "NOT_A_MEDICAL_PROFESSION");
        }

        var now = time.GetUtcNow();
        var serviceUserId = request.SubjectCase == Proto.BreakTheGlassRequest.SubjectOneofCase.Bsn
            ? await ByBsnAsync(request.Bsn, context.CancellationToken)
            : await db.ServiceUsers.Where(s => s.Id == request.ServiceUserId).Select(s => s.MergedIntoId ?? s.Id).FirstOrDefaultAsync(context.CancellationToken);
        if (serviceUserId is null)
        {
            throw new NotFoundException("Service user", request.SubjectCase == Proto.BreakTheGlassRequest.SubjectOneofCase.Bsn ? "with this BSN" : request.ServiceUserId);
        }

        audit.Subject(serviceUserId, serviceUserId);
        return await db.CreateOnceAsync(context, caller, Fingerprinted(request), request.RequestId, now, () =>
        {
            var access = new EmergencyAccess(serviceUserId, caller.MemberId, caller.OrganizationId, request.Reason.Trim(), now, now + options.Value.EmergencyAccessDuration);
            db.EmergencyAccesses.Add(access);
            db.AddEvent(new Proto.EmergencyAccessGranted
            {
                EmergencyAccessId = access.Id, ServiceUserId = serviceUserId, MemberId = caller.MemberId, OrganizationId = caller.OrganizationId,
                StartTime = now.ToProtoTimestamp(), ExpireTime = access.ExpireAt.ToProtoTimestamp(),
            }, now);
            db.Alert(serviceUserId, "Emergency access (break-the-glass)", now, caller.OrganizationId);
            audit.Grounds($"break-the-glass:{access.Id}");
            return Task.FromResult(new Proto.BreakTheGlassResponse { Access = access.ToProto() });
        }, granted => granted.Access.Id, granted => granted.Access.ServiceUserId);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "network-view", Care)]
    public override async Task<Proto.GetNetworkViewResponse> GetNetworkView(Proto.GetNetworkViewRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        audit.Subject(request.ServiceUserId, request.ServiceUserId);

        // The basis: the caller's own emergency access (nothing filtered), or its organization's consents (their domains),
        // decided on every call from the sources as committed now (see NetworkViewCache).
        var subject = await NetworkViewCache.SubjectAsync(db, request.ServiceUserId, cancellationToken);
        var sources = subject is null ? null : await views.SourcesAsync(db, subject, now, cancellationToken);
        var emergency = sources?.EmergencyAccesses.Where(a => a.MemberId == caller.MemberId && a.IsActiveAt(now)).MaxBy(a => a.ExpireAt);
        var consents = sources?.Consents.Where(c => c.Grants(caller.OrganizationId, caller.OrganizationKind, now)).ToList() ?? [];
        if (subject is null || sources is null || (emergency is null && consents.Count == 0))
        {
            throw new NotFoundException("Service user", request.ServiceUserId);
        }

        var liveId = subject.LiveId;
        var mask = emergency is not null ? AllDomains : consents.Aggregate(0, (all, c) => all | c.DomainMask);
        audit.Subject(liveId, liveId);
        audit.Grounds(emergency is not null ? $"break-the-glass:{emergency.Id}" : $"consent:{consents.OrderBy(c => c.Id).First().Id}");

        var (user, openCase, allNeeds, organizations, members) = (sources.User, sources.OpenCase, sources.Needs, sources.OrganizationNames, sources.Members);
        var needs = allNeeds.Where(n => n.Status != NeedStatus.Met).ToList();
        var involvements = sources.Involvements.Where(i => i.IsActiveAt(now)).ToList();
        var referrals = sources.Referrals;
        var limit = request.RecentEventLimit > 0 ? Math.Min(request.RecentEventLimit, 100) : options.Value.RecentEvents;
        var timeline = sources.Timeline.Take(limit * 4);

        // What the consent reaches: a need by its domain, what hangs on a need by the need's domain.
        var domainOfNeed = allNeeds.ToDictionary(n => n.Id, n => n.LifeDomain);
        bool Covers(LifeDomain domain) => (mask & Consent.MaskOf([domain])) != 0;
        LifeDomain? DomainOf(string? needId, LifeDomain? domain = null) => domain ?? (needId is not null && domainOfNeed.TryGetValue(needId, out var d) ? d : null);
        bool Shows(string? needId, LifeDomain? domain = null) => DomainOf(needId, domain) is not { } of || Covers(of);

        var withheld = new Dictionary<LifeDomain, Proto.WithheldDomain>();
        Proto.WithheldDomain Withheld(LifeDomain domain) =>
            withheld.TryGetValue(domain, out var entry) ? entry : withheld[domain] = new Proto.WithheldDomain { LifeDomain = (Proto.LifeDomain)domain };
        foreach (var need in needs.Where(n => !Covers(n.LifeDomain)))
        {
            Withheld(need.LifeDomain).Needs++;
        }

        var goals = openCase?.Goals.OrderBy(g => g.Position).ToList() ?? [];
        foreach (var goal in goals.Where(g => g.LifeDomain is { } domain && !Covers(domain)))
        {
            Withheld(goal.LifeDomain!.Value).Goals++;
        }

        foreach (var involvement in involvements.Where(i => !Shows(i.NeedId)))
        {
            Withheld(DomainOf(involvement.NeedId)!.Value).Involvements++;
        }

        // Whom else the service user consented to is the coordinator's to know, as in ListConsents: another organization
        // sees only the entries of its own consents (a GP must not learn of a consent to an addiction clinic).
        var coordinates = emergency is not null || consents.Any(c => c.Purpose == ConsentPurpose.Coordination);
        var recent = new List<TimelineEntry>();
        foreach (var entry in timeline.Where(t => coordinates || t.Kind != TimelineKind.Consent || t.OrganizationId == caller.OrganizationId))
        {
            if (Shows(entry.NeedId, entry.LifeDomain))
            {
                recent.Add(entry);
            }
            else
            {
                Withheld(DomainOf(entry.NeedId, entry.LifeDomain)!.Value).Events++;
            }
        }

        Proto.CareTeamEntry Entry(Involvement involvement)
        {
            var member = involvement.MemberId is { } id ? members.GetValueOrDefault(id) : null;
            return new Proto.CareTeamEntry
            {
                Involvement = involvement.ToProto(now),
                OrganizationName = organizations.GetValueOrDefault(involvement.OrganizationId, ""),
                MemberDisplayName = member?.DisplayName ?? "",
                MemberProfession = member?.Profession ?? "",
                SpannerDisplayName = involvement.SpannerName,
            };
        }

        var team = involvements.Where(i => Shows(i.NeedId)).OrderBy(i => i.Role).ThenBy(i => i.StartAt).ToList();
        var coordinator = openCase is null ? null : team.FirstOrDefault(i => i.Role == InvolvementRole.Coordinator && i.CaseId == openCase.Id);

        // The constant contact is the longest-serving active boundary spanner (the definition), whatever part its
        // assignment names: when that spanner ends, the next longest-serving one is, without anyone re-assigning it. A
        // stopped spanner stays it until a successor's assignment arrives, so the service user is never left without one.
        var constant = team.Where(i => i.SpannerId != null).OrderBy(i => i.StartAt).ThenBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault();
        var view = new Proto.NetworkView
        {
            ServiceUser = user.ToProto(sources.HouseholdLinks.Count == 0 ? [] : await db.VisibleHouseholdAsync(user.Id, caller, now, cancellationToken)),
            CaseId = openCase?.Id ?? "",
            Coordinator = coordinator is null ? null : Entry(coordinator),
            ConstantContact = constant is null ? null : new Proto.ConstantContact
            {
                AssignmentId = constant.AssignmentId ?? "", SpannerId = constant.SpannerId ?? "", DisplayName = constant.SpannerName, Kind = (Proto.SpannerKind)constant.SpannerKind,
                OrganizationId = constant.OrganizationId, StartTime = constant.StartAt.ToProtoTimestamp(),
            },
            CareTeam = { team.Select(Entry) },
            OpenNeeds =
            {
                needs.Where(n => Covers(n.LifeDomain))
                    .OrderByDescending(n => n.AtRisk).ThenByDescending(n => n.Severity).ThenBy(n => n.CreatedAt)
                    .Select(n => new Proto.OpenNeed
                    {
                        Need = n.ToProto(),
                        Referrals = { referrals.Where(r => r.NeedId == n.Id).OrderBy(r => r.CreatedAt).Select(r => r.ToProto(organizations)) },
                    }),
            },
            RecentEvents = { recent.Take(limit).Select(t => t.ToProto()) },
            VisibleLifeDomains = { (emergency is not null ? System.Enum.GetValues<LifeDomain>() : Consent.DomainsOf(mask)).Select(d => (Proto.LifeDomain)d) },
            Basis = emergency is not null ? Proto.AccessBasis.BreakTheGlass : Proto.AccessBasis.Consent,
            AsOfTime = now.ToProtoTimestamp(),
            Withheld = { withheld.OrderBy(w => w.Key).Select(w => w.Value) },
            Goals = { goals.Where(g => g.LifeDomain is not { } domain || Covers(domain)).Select(g => g.ToProto()) },
        };
        return new Proto.GetNetworkViewResponse { View = view };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "access-log", PrivacyReview)]
    public override async Task<Proto.ListAccessLogResponse> ListAccessLog(Proto.ListAccessLogRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.PrivacyOfficer);
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        var liveId = await db.ServiceUsers.AsNoTracking().Where(s => s.Id == request.ServiceUserId).Select(s => s.MergedIntoId ?? s.Id).FirstOrDefaultAsync(cancellationToken);
        audit.Subject(liveId ?? request.ServiceUserId, liveId ?? request.ServiceUserId);

        // Privacy officers of an organization that holds or held a consent; professionals of the coordinator's organization.
        var allowed = liveId is not null && (caller.Role == Role.PrivacyOfficer
            ? await db.Consents.AnyAsync(c => c.ServiceUserId == liveId && (c.OrganizationId == caller.OrganizationId || c.RecordedByOrganizationId == caller.OrganizationId), cancellationToken)
            : await CoordinatesAsync(liveId, caller, now, cancellationToken));
        if (!allowed)
        {
            throw new NotFoundException("Service user", request.ServiceUserId);
        }

        audit.Grounds(caller.Role == Role.PrivacyOfficer ? "privacy-review" : "role");
        var size = Paging.Size(request.PageSize, 100, 500);
        var organizationIds = request.OrganizationIds.Distinct().Order().ToList();
        var pageQuery = $"{context.Method}|{liveId}|{request.StartTime}|{request.EndTime}|{string.Join(',', organizationIds)}";
        var before = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0] is { } key ? long.Parse(key, System.Globalization.CultureInfo.InvariantCulture) : long.MaxValue;
        var records = db.AuditTrail.AsNoTracking().Where(r => r.ServiceUserId == liveId && r.Sequence < before);
        if (request.StartTime is { } start)
        {
            var from = start.ToInstant();
            records = records.Where(r => r.OccurredAt >= from);
        }

        if (request.EndTime is { } end)
        {
            var until = end.ToInstant();
            records = records.Where(r => r.OccurredAt < until);
        }

        if (organizationIds.Count > 0)
        {
            records = records.Where(r => organizationIds.Contains(r.OrganizationId));
        }

        var page = await records.OrderByDescending(r => r.Sequence).Take(size + 1).ToListAsync(cancellationToken);
        var more = page.Count > size;
        page = more ? page[..size] : page;
        var names = await db.KnownOrganizations.AsNoTracking().Where(o => page.Select(r => r.OrganizationId).Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return new Proto.ListAccessLogResponse
        {
            Entries = { page.Select(r => r.ToAccessLogEntry(names, showMember: caller.Role == Role.PrivacyOfficer && r.OrganizationId == caller.OrganizationId)) },
            NextPageToken = more ? pageTokens.Encode(new PageCursor([page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)]), pageQuery) : "",
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "emergency-access", PrivacyReview)]
    public override async Task<Proto.ListEmergencyAccessesResponse> ListEmergencyAccesses(Proto.ListEmergencyAccessesRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.PrivacyOfficer);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 50, 200);
        var query = db.EmergencyAccesses.AsNoTracking();
        if (request.ServiceUserId.Length > 0)
        {
            audit.Subject(request.ServiceUserId, request.ServiceUserId);
            query = query.Where(a => a.ServiceUserId == request.ServiceUserId);
        }

        if (caller.Role == Role.PrivacyOfficer)
        {
            var heldFor = db.Consents.Where(c => c.OrganizationId == caller.OrganizationId || c.RecordedByOrganizationId == caller.OrganizationId);
            query = query.Where(a => a.OrganizationId == caller.OrganizationId || heldFor.Any(c => c.ServiceUserId == a.ServiceUserId));
        }
        else if (request.ServiceUserId.Length == 0 || !await CoordinatesAsync(request.ServiceUserId, caller, now, context.CancellationToken))
        {
            throw request.ServiceUserId.Length == 0
                ? InvalidRequestException.For("service_user_id", "is required for a coordinator")
                : new NotFoundException("Service user", request.ServiceUserId);
        }

        var pageQuery = $"{context.Method}|{request.ServiceUserId}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var page = await Paging.PageAsync(query, after, size, context.CancellationToken, newestFirst: true);
        return new Proto.ListEmergencyAccessesResponse
        {
            Accesses = { page.Items.Select(a => a.ToProto()) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    // Whether the caller's organization coordinates the service user's open case under a valid COORDINATION consent: a
    // coordination consent for some domains (a debt counsellor's) is no ground to read who else looked at the person.
    private async Task<bool> CoordinatesAsync(string serviceUserId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.VisibleAsync(serviceUserId, caller, now, cancellationToken, tracked: false, ConsentPurpose.Coordination) is { } visible
        && await db.Cases.AnyAsync(c => c.ServiceUserId == visible.User.Id && c.Status == CaseStatus.Open && c.CoordinatorOrganizationId == caller.OrganizationId, cancellationToken);

    // Emergency access by BSN looks beyond consent: that is what it is for, and it is audited and reviewed.
    private async Task<string?> ByBsnAsync(string bsn, CancellationToken cancellationToken)
    {
        var parsed = Bsn.Parse(bsn) ?? throw InvalidRequestException.For("bsn", BsnRules.Message);
        var hashes = bsnKeys.LookupHashes(parsed);
        return await db.BsnHashes.AsNoTracking().Where(h => hashes.Contains(h.Hash))
            .Join(db.ServiceUsers.Where(s => s.MergedIntoId == null), h => h.ServiceUserId, s => s.Id, (h, s) => s.Id)
            .OrderBy(id => id).FirstOrDefaultAsync(cancellationToken);
    }

    // The stored idempotency fingerprint must not be a plain digest of a BSN.
    private Proto.BreakTheGlassRequest Fingerprinted(Proto.BreakTheGlassRequest request)
    {
        if (request.SubjectCase != Proto.BreakTheGlassRequest.SubjectOneofCase.Bsn || Bsn.Parse(request.Bsn) is not { } bsn)
        {
            return request;
        }

        var copy = request.Clone();
        copy.Bsn = bsnKeys.Fingerprint(bsn);
        return copy;
    }
}
