using Grpc.Core;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Audit;

/// <summary>The privacy officer's check of a service's audit trail, the same check as <c>verify-audit</c>.</summary>
public sealed class AuditEndpoint(IEnumerable<IAuditVerifier> verifiers, ILogger<AuditEndpoint> logger) : Proto.AuditService.AuditServiceBase
{
    /// <inheritdoc />
    [NotAudited("returns sequence numbers and integrity findings, no personal data; each verification is logged")]
    public override async Task<Proto.VerifyAuditTrailResponse> VerifyAuditTrail(Proto.VerifyAuditTrailRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(MemberRole.PrivacyOfficer);
        var verifier = verifiers.FirstOrDefault(v => v.Service == request.Service)
            ?? throw InvalidRequestException.For("service", $"must name a service this process runs: {string.Join(", ", verifiers.Select(v => v.Service))}");
        AuditCheckpoint? checkpoint = null;
        if (request.Checkpoint.Length > 0)
        {
            checkpoint = AuditCheckpoint.FromToken(request.Checkpoint)
                ?? throw InvalidRequestException.For("checkpoint", "must be a checkpoint token as logged: sequence.mac.ticks.key.signature");
        }

        var report = await verifier.VerifyAsync(checkpoint, context.CancellationToken);
        logger.LogInformation("Member {MemberId} verified the audit trail of {Service}: {Outcome}", caller.MemberId, report.Service, report.Intact ? "intact" : report.Finding!.Problem);
        return ToProto(report);
    }

    /// <summary>The report as the RPC answers it.</summary>
    public static Proto.VerifyAuditTrailResponse ToProto(AuditReport report) => new()
    {
        Intact = report.Intact,
        RecordsChecked = report.RecordsChecked,
        LastSequence = report.LastSequence,
        NewestCheckpoint = report.NewestCheckpoint is { } checkpoint
            ? new Proto.AuditCheckpoint { Sequence = checkpoint.Sequence, TakeTime = checkpoint.TakenAt.ToProtoTimestamp() }
            : null,
        Finding = report.Finding is { } finding
            ? new Proto.AuditFinding { Sequence = finding.Sequence, Problem = (Proto.AuditProblem)finding.Problem, Detail = finding.Detail }
            : null,
    };
}
