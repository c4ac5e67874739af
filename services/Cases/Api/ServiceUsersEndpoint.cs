using FluentValidation;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Cases.Events;
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
/// Service users: registration (blind: it never answers from another organization's record), identity by a keyed BSN
/// hash, changes, moves, household links and the resolution of duplicates. Professionals only; a service user outside
/// the caller's consent answers NOT_FOUND, like one that does not exist.
/// </summary>
public sealed class ServiceUsersEndpoint(
    CasesDbContext db,
    AuditScope audit,
    BsnKeys bsnKeys,
    TimeProvider time,
    PageTokens pageTokens,
    IValidator<Proto.ServiceUser> serviceUserRules) : Proto.ServiceUsersService.ServiceUsersServiceBase
{
    private const string Registration = "registration";
    private const string Record = "service-user-record";
    private const string Duplicates = "duplicate-resolution";
    private static readonly string[] Changeable = ["given_name", "family_name", "date_of_birth", "languages", "interpreter_needed"];

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Registration)]
    public override async Task<Proto.RegisterServiceUserResponse> RegisterServiceUser(Proto.RegisterServiceUserRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var grant = request.Consent.ToGrant(now);
        if (grant.OrganizationId != caller.OrganizationId && (grant.OrganizationKind is null || grant.OrganizationKind != caller.OrganizationKind))
        {
            throw InvalidRequestException.For("consent.organization_id", "must be the caller's organization (or its kind): registration records the consent that lets it hold the record", "CONSENT_NOT_FOR_CALLER");
        }

        if (grant.Purpose is not (ConsentPurpose.Coordination or ConsentPurpose.Care))
        {
            throw InvalidRequestException.For("consent.purpose", "must be COORDINATION or CARE to hold a service user's record");
        }

        // The BSN takes part in the idempotency fingerprint only as its keyed hash: the stored fingerprint must not be
        // a plain digest an attacker could match against the billion possible numbers.
        var bsn = Bsn.Parse(request.Bsn);
        var fingerprinted = request.Clone();
        fingerprinted.Bsn = bsn is null ? "" : bsnKeys.Fingerprint(bsn);
        return await db.CreateOnceAsync(context, caller, fingerprinted, request.RequestId, now, () =>
        {
            var user = new ServiceUser(request.ServiceUser.ToDetails(), request.ServiceUser.Neighbourhood, caller.OrganizationId, now);
            db.ServiceUsers.Add(user);
            if (bsn is not null)
            {
                // Whether other records share the BSN is not looked at here: the answer, and the work, are those of any
                // registration. The coordinator of an earlier record finds the new one among its possible duplicates.
                user.RecordBsnGiven();
                db.BsnHashes.AddRange(bsnKeys.HashesFor(user.Id, bsn));
            }

            var consent = new Consent(user.Id, grant, caller.MemberId, caller.OrganizationId, now);
            db.Consents.Add(consent);
            db.AddEvent(user.RegisteredEvent(), now);
            db.AddEvent(consent.GrantedEvent(), now);
            db.ConsentChanged(consent, "Registered with a consent", now);
            audit.Grounds($"consent:{consent.Id}");
            return Task.FromResult(new Proto.RegisterServiceUserResponse { ServiceUser = user.ToProto([]), Consent = consent.ToProto(now) });
        }, registered => registered.ServiceUser.Id, registered => registered.ServiceUser.Id);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "service-user", Record)]
    public override async Task<Proto.GetServiceUserResponse> GetServiceUser(Proto.GetServiceUserRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var visible = await db.VisibleOnRecordAsync(audit, request.Id, caller, now, context.CancellationToken);
        return new Proto.GetServiceUserResponse { ServiceUser = await ToProtoAsync(visible.User, caller, now, context.CancellationToken) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "service-user", Record)]
    public override async Task<Proto.FindServiceUserByBsnResponse> FindServiceUserByBsn(Proto.FindServiceUserByBsnRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var bsn = Bsn.Parse(request.Bsn) ?? throw InvalidRequestException.For("bsn", BsnRules.Message);
        var hashes = bsnKeys.LookupHashes(bsn);
        var grants = db.GrantsTo(caller, now);
        var id = await db.BsnHashes.AsNoTracking()
            .Where(h => hashes.Contains(h.Hash) && grants.Any(c => c.ServiceUserId == h.ServiceUserId))
            .Join(db.ServiceUsers.Where(s => s.MergedIntoId == null), h => h.ServiceUserId, s => s.Id, (h, s) => s.Id)
            .OrderBy(s => s)
            .FirstOrDefaultAsync(context.CancellationToken);

        // Unknown and out of scope are one answer, so a BSN cannot be probed.
        var found = id is null ? null : await db.VisibleAsync(id, caller, now, context.CancellationToken);
        if (found is null)
        {
            throw new NotFoundException("Service user", "with this BSN");
        }

        audit.Subject(found.User.Id, found.User.Id);
        audit.Grounds($"consent:{found.Basis.Id}");
        return new Proto.FindServiceUserByBsnResponse { ServiceUser = await ToProtoAsync(found.User, caller, now, context.CancellationToken) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Record)]
    public override async Task<Proto.UpdateServiceUserResponse> UpdateServiceUser(Proto.UpdateServiceUserRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUser.Id, caller, now, context.CancellationToken, tracked: true, ConsentPurpose.Coordination, ConsentPurpose.Care)).User;
        user.EnsureVersion(request.ServiceUser.Etag, "service user");
        var merged = ProtoValues.MergeUpdate(user.ToProto([]), request.ServiceUser, request.UpdateMask, Changeable);
        serviceUserRules.EnsureValid(merged, "service_user");
        user.Update(merged.ToDetails(), now);
        db.AddEvent(user.UpdatedEvent(), now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.UpdateServiceUserResponse { ServiceUser = await ToProtoAsync(user, caller, now, context.CancellationToken) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Record)]
    public override async Task<Proto.MoveServiceUserResponse> MoveServiceUser(Proto.MoveServiceUserRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var user = (await db.VisibleOnRecordAsync(audit, request.Id, caller, now, context.CancellationToken, tracked: true, ConsentPurpose.Coordination, ConsentPurpose.Care)).User;
        user.EnsureVersion(request.Etag, "service user");
        var movedAt = request.MoveTime?.ToInstant() ?? now;
        var from = user.MoveTo(request.Neighbourhood, now);
        db.AddEvent(user.MovedEvent(from, movedAt), now);
        db.Moved(user, from, movedAt);

        // Organizations that work elsewhere are asked to confirm or end their part, unless the caller keeps them; the
        // coordinator and the spanners stay as they are: the constant contact survives the move.
        var keep = request.KeepInvolvementIds.ToHashSet();
        var active = await db.Involvements.Where(i => i.ServiceUserId == user.Id && i.SpannerId == null).Where(Involvement.ActiveAt(now)).ToListAsync(context.CancellationToken);
        var organizations = active.Select(i => i.OrganizationId).Distinct().ToList();
        var elsewhere = (await db.KnownOrganizations.Where(o => organizations.Contains(o.Id)).ToListAsync(context.CancellationToken))
            .Where(o => !o.Serves(request.Neighbourhood)).Select(o => o.Id).ToHashSet();
        var toReview = active.Where(i => elsewhere.Contains(i.OrganizationId) && !keep.Contains(i.Id) && i.Role != InvolvementRole.Coordinator).ToList();
        foreach (var involvement in toReview)
        {
            involvement.MarkForReview($"The service user moved from {from} to {user.Neighbourhood}, which the organization does not serve.", now);
        }

        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.MoveServiceUserResponse
        {
            ServiceUser = await ToProtoAsync(user, caller, now, context.CancellationToken),
            InvolvementsToReview = { toReview.Select(i => i.ToProto(now)) },
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Record)]
    public override async Task<Proto.LinkHouseholdMemberResponse> LinkHouseholdMember(Proto.LinkHouseholdMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var (user, related) = await HouseholdPairAsync(request.ServiceUserId, request.RelatedServiceUserId, caller, now, context.CancellationToken);
        return await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            if (await db.HouseholdLinks.AnyAsync(l => l.ServiceUserId == user.Id && l.OtherServiceUserId == related.Id, context.CancellationToken))
            {
                throw new AlreadyExistsException("HOUSEHOLD_LINK_EXISTS", "The two service users are linked already; unlink first to change the relation.");
            }

            var (link, reverse) = HouseholdLink.Between(user.Id, related.Id, (HouseholdRelation)request.Relation, now);
            db.HouseholdLinks.AddRange(link, reverse);
            user.RecordHouseholdChange(now);
            return new Proto.LinkHouseholdMemberResponse { ServiceUser = user.ToProto([.. await db.VisibleHouseholdAsync(user.Id, caller, now, context.CancellationToken), link]) };
        }, linked => linked.ServiceUser.Id, linked => linked.ServiceUser.Id);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Record)]
    public override async Task<Proto.UnlinkHouseholdMemberResponse> UnlinkHouseholdMember(Proto.UnlinkHouseholdMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var (user, related) = await HouseholdPairAsync(request.ServiceUserId, request.RelatedServiceUserId, caller, now, context.CancellationToken);
        var links = await db.HouseholdLinks
            .Where(l => (l.ServiceUserId == user.Id && l.OtherServiceUserId == related.Id) || (l.ServiceUserId == related.Id && l.OtherServiceUserId == user.Id))
            .ToListAsync(context.CancellationToken);
        if (links.Count > 0)
        {
            db.HouseholdLinks.RemoveRange(links);
            user.RecordHouseholdChange(now);
            await db.SaveChangesAsync(context.CancellationToken);
        }

        return new Proto.UnlinkHouseholdMemberResponse { ServiceUser = await ToProtoAsync(user, caller, now, context.CancellationToken) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "service-user", Duplicates)]
    public override async Task<Proto.ListPossibleDuplicatesResponse> ListPossibleDuplicates(Proto.ListPossibleDuplicatesRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 20, 100);
        var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUserId, caller, now, context.CancellationToken, tracked: false, ConsentPurpose.Coordination)).User;
        var pageQuery = $"{context.Method}|{user.Id}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var page = await Paging.PageAsync(db.PossibleDuplicatesOf(user).AsNoTracking(), after, size, context.CancellationToken);
        return new Proto.ListPossibleDuplicatesResponse
        {
            PossibleDuplicates =
            {
                page.Items.Select(d => new Proto.PossibleDuplicate
                {
                    ServiceUserId = d.Id,
                    RegisterTime = d.CreatedAt.ToProtoTimestamp(),
                    SameDateOfBirth = d.DateOfBirth == user.DateOfBirth,
                }),
            },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Duplicates)]
    public override async Task<Proto.MergeServiceUsersResponse> MergeServiceUsers(Proto.MergeServiceUsersRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        await using var write = await db.BeginWriteAsync(context.CancellationToken);
        var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUserId, caller, now, context.CancellationToken, tracked: true, ConsentPurpose.Coordination)).User;
        user.EnsureVersion(request.Etag, "service user");
        var duplicate = await db.PossibleDuplicatesOf(user).SingleOrDefaultAsync(d => d.Id == request.DuplicateServiceUserId, context.CancellationToken)
            ?? throw new NotFoundException("Possible duplicate", request.DuplicateServiceUserId);

        // Everything that hangs on the duplicate moves over; so do records merged into it earlier.
        foreach (var consent in await db.Consents.Where(c => c.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            consent.MoveTo(user.Id, now);
        }

        var ownHashes = await db.BsnHashes.Where(h => h.ServiceUserId == user.Id).Select(h => h.KeyId + h.Hash).ToListAsync(context.CancellationToken);
        foreach (var hash in await db.BsnHashes.Where(h => h.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            db.BsnHashes.Remove(hash);
            if (!ownHashes.Contains(hash.KeyId + hash.Hash))
            {
                db.BsnHashes.Add(new BsnHash(user.Id, hash.KeyId, hash.Hash));
            }
        }

        var duplicateCases = await db.Cases.Where(c => c.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken);
        if (duplicateCases.Any(c => c.Status == CaseStatus.Open)
            && await db.Cases.AnyAsync(c => c.ServiceUserId == user.Id && c.Status == CaseStatus.Open, context.CancellationToken))
        {
            throw new DomainRuleException("BOTH_HAVE_OPEN_CASES", "Both records have an open case; close one before merging.");
        }

        foreach (var moved in duplicateCases)
        {
            moved.MoveTo(user.Id, now);
        }

        foreach (var need in await db.Needs.Where(n => n.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            need.MoveTo(user.Id, now);
        }

        foreach (var involvement in await db.Involvements.Where(i => i.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            involvement.MoveTo(user.Id, now);
        }

        foreach (var entry in await db.Timeline.Where(t => t.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            entry.MoveTo(user.Id);
        }

        foreach (var referral in await db.Referrals.Where(r => r.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            referral.MoveTo(user.Id);
        }

        foreach (var access in await db.EmergencyAccesses.Where(a => a.ServiceUserId == duplicate.Id).ToListAsync(context.CancellationToken))
        {
            access.MoveTo(user.Id, now);
        }

        await MoveHouseholdAsync(duplicate.Id, user.Id, context.CancellationToken);
        await db.ServiceUsers.Where(s => s.MergedIntoId == duplicate.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.MergedIntoId, user.Id), context.CancellationToken);
        user.Absorb(duplicate, now);
        db.AddEvent(user.MergedEvent(duplicate), now);
        await db.SaveChangesAsync(context.CancellationToken);
        await write.CommitAsync(context.CancellationToken);
        return new Proto.MergeServiceUsersResponse { ServiceUser = await ToProtoAsync(user, caller, now, context.CancellationToken) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service-user", Duplicates)]
    public override async Task<Proto.DismissPossibleDuplicateResponse> DismissPossibleDuplicate(Proto.DismissPossibleDuplicateRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUserId, caller, now, context.CancellationToken, tracked: false, ConsentPurpose.Coordination)).User;
        if (!await db.PossibleDuplicatesOf(user).AnyAsync(d => d.Id == request.DuplicateServiceUserId, context.CancellationToken))
        {
            throw new NotFoundException("Possible duplicate", request.DuplicateServiceUserId);
        }

        db.DuplicateDismissals.Add(new DuplicateDismissal(user.Id, request.DuplicateServiceUserId, request.Reason.Trim(), caller.MemberId, caller.OrganizationId, now));
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.DismissPossibleDuplicateResponse();
    }

    // Both members of a household link must be in the caller's scope; the first one under a consent to change it.
    private async Task<(ServiceUser User, ServiceUser Related)> HouseholdPairAsync(string id, string relatedId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = (await db.VisibleOnRecordAsync(audit, id, caller, now, cancellationToken, tracked: true, ConsentPurpose.Coordination, ConsentPurpose.Care)).User;
        var related = await db.VisibleAsync(relatedId, caller, now, cancellationToken) ?? throw new NotFoundException("Service user", relatedId);
        return (user, related.User);
    }

    private async Task<Proto.ServiceUser> ToProtoAsync(ServiceUser user, Caller caller, DateTimeOffset now, CancellationToken cancellationToken) =>
        user.ToProto(await db.VisibleHouseholdAsync(user.Id, caller, now, cancellationToken));

    private async Task MoveHouseholdAsync(string fromId, string toId, CancellationToken cancellationToken)
    {
        var links = await db.HouseholdLinks.Where(l => l.ServiceUserId == fromId || l.OtherServiceUserId == fromId).ToListAsync(cancellationToken);
        var existing = await db.HouseholdLinks.Where(l => l.ServiceUserId == toId || l.OtherServiceUserId == toId)
            .Select(l => l.ServiceUserId + "|" + l.OtherServiceUserId).ToListAsync(cancellationToken);
        db.HouseholdLinks.RemoveRange(links);
        foreach (var link in links)
        {
            var moved = link.Repointed(fromId, toId);
            if (moved.ServiceUserId != moved.OtherServiceUserId && !existing.Contains(moved.ServiceUserId + "|" + moved.OtherServiceUserId))
            {
                db.HouseholdLinks.Add(moved);
                existing.Add(moved.ServiceUserId + "|" + moved.OtherServiceUserId);
            }
        }
    }
}
