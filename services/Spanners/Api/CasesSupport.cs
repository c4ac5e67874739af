using Grpc.Core;
using Grpc.Net.ClientFactory;
using Polly;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Api;

/// <summary>
/// Asks the cases service (CheckSupportConsent, with the spanners workload token) whether an organization may arrange a
/// spanner's support for a service user, over real gRPC: on every call, so that a revoked consent holds from the next one.
/// Fails fast with UNAVAILABLE when cases cannot answer, before anything is written.
/// </summary>
public sealed class CasesSupport(GrpcClientFactory clients, WorkloadTokens tokens, ILogger<CasesSupport> logger)
{
    /// <summary>The name of the gRPC client of the cases peer (<c>ReferralNet:Peers:Cases</c>).</summary>
    public const string ClientName = "cases-support";

    private readonly ResiliencePipeline _pipeline = PeerCalls.Pipeline();

    /// <summary>The consent of <paramref name="organizationId"/> and, when granted, the service user's facts.</summary>
    /// <exception cref="NotFoundException">The service user or the need does not exist for that organization.</exception>
    /// <exception cref="PeerUnavailableException">The cases service could not answer.</exception>
    public async Task<Proto.CheckSupportConsentResponse> CheckAsync(string organizationId, string memberId, string serviceUserId, string? needId, CancellationToken cancellationToken)
    {
        var request = new Proto.CheckSupportConsentRequest { ServiceUserId = serviceUserId, OrganizationId = organizationId, MemberId = memberId, NeedId = needId ?? "" };
        try
        {
            return await _pipeline.CallAsync<Proto.ConsentsService.ConsentsServiceClient, Proto.CheckSupportConsentResponse>(
                clients, ClientName, tokens, SpannersModule.Name, (client, headers, deadline, token) => client.CheckSupportConsentAsync(request, headers, deadline, token).ResponseAsync,
                logger, "The cases service, which checks the service user's consent, is unreachable; nothing was written. Retry with back-off.", cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // Without a consent the service user and its needs do not exist for the caller: which one was missing is not told.
            throw new NotFoundException(needId is null ? "ServiceUser" : "ServiceUser or need", needId is null ? serviceUserId : $"{serviceUserId}/{needId}");
        }
    }

    /// <summary>The consent the coordinator's work needs: granted, else NOT_FOUND (outside the consent the service user does not exist).</summary>
    public async Task<Proto.CheckSupportConsentResponse> RequireAsync(Caller caller, string serviceUserId, string? needId, CancellationToken cancellationToken)
    {
        var answer = await CheckAsync(caller.OrganizationId, caller.MemberId, serviceUserId, needId, cancellationToken);
        return answer.Granted ? answer : throw new NotFoundException("ServiceUser", serviceUserId);
    }
}
