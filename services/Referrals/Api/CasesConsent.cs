using Grpc.Core;
using Grpc.Net.ClientFactory;
using Polly;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Api;

/// <summary>
/// Asks the cases service whether a need may be referred (CheckReferralConsent, with the referrals workload token) over
/// real gRPC: the cases peer's address, or this process's own in the embedded shape. Fails fast with UNAVAILABLE when
/// cases cannot answer, before anything is written.
/// </summary>
public sealed class CasesConsent(GrpcClientFactory clients, WorkloadTokens tokens, ILogger<CasesConsent> logger)
{
    /// <summary>The name of the gRPC client of the cases peer (<c>ReferralNet:Peers:Cases</c>).</summary>
    public const string ClientName = "cases-peer";

    private readonly ResiliencePipeline _pipeline = PeerCalls.Pipeline();

    /// <summary>The facts of the need and whether a REFERRAL consent covers sending it to <paramref name="toOrganizationId"/>.</summary>
    /// <exception cref="NotFoundException">The need does not exist or the sender may not see it.</exception>
    /// <exception cref="PeerUnavailableException">The cases service could not answer.</exception>
    public async Task<Proto.CheckReferralConsentResponse> CheckAsync(Caller sender, string needId, string toOrganizationId, string consentId, CancellationToken cancellationToken)
    {
        var request = new Proto.CheckReferralConsentRequest
        {
            NeedId = needId,
            FromOrganizationId = sender.OrganizationId,
            FromMemberId = sender.MemberId,
            ToOrganizationId = toOrganizationId,
            ConsentId = consentId,
        };
        try
        {
            return await _pipeline.CallAsync<Proto.ConsentsService.ConsentsServiceClient, Proto.CheckReferralConsentResponse>(
                clients, ClientName, tokens, ReferralsModule.Name, (client, headers, deadline, token) => client.CheckReferralConsentAsync(request, headers, deadline, token).ResponseAsync,
                logger, "The cases service, which checks the referral's consent, is unreachable; nothing was written. Retry with back-off.", cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw new NotFoundException("Need", needId);
        }
    }
}
