using Grpc.Core;
using Grpc.Net.ClientFactory;
using Polly;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// Reads memberships from the organizations service of another process (its CheckMembership RPC, with this process's
/// workload token), for processes that do not run the directory. Each attempt has a deadline; transient failures are
/// retried briefly, and a circuit breaker stops asking a directory that keeps failing, so that calls fail fast with
/// UNAVAILABLE instead of queueing behind it.
/// </summary>
public sealed class PeerMembershipSource(GrpcClientFactory clients, WorkloadTokens tokens, ILogger<PeerMembershipSource> logger) : IMembershipSource
{
    /// <summary>The name of the gRPC client of the organizations peer (<c>ReferralNet:Peers:Organizations</c>).</summary>
    public const string ClientName = "organizations-peer";

    private readonly ResiliencePipeline _pipeline = PeerCalls.Pipeline();

    /// <inheritdoc />
    public async Task<MembershipRead> ReadAsync(string memberId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _pipeline.ExecuteAsync(async token =>
            {
                var client = clients.CreateClient<Proto.OrganizationsService.OrganizationsServiceClient>(ClientName);
                var headers = new Metadata { { "authorization", $"Bearer {await tokens.GetAsync(token)}" } };
                return await client.CheckMembershipAsync(new Proto.CheckMembershipRequest { MemberId = memberId }, headers, DateTime.UtcNow + PeerCalls.AttemptDeadline, token);
            }, cancellationToken);
            return response.ToRead();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException || PeerCalls.IsUnreachable(ex))
        {
            // A refusal by the directory, or a token this process cannot obtain, means its workload identity is misconfigured:
            // an operator must see it. An outage is a warning.
            var level = ex is InvalidOperationException or RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied }
                ? LogLevel.Error
                : LogLevel.Warning;
            logger.Log(level, ex, "The organizations service could not be asked about a membership");
            throw new MembershipUnavailableException("The member directory is unreachable; retry with back-off.", ex);
        }
    }
}
