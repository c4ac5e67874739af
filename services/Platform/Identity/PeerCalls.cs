using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// How a service calls another over gRPC: each attempt with its own deadline, transient failures retried briefly with
/// jittered back-off, and a circuit breaker that stops asking a peer that keeps failing, so that callers fail fast with
/// UNAVAILABLE instead of queueing behind it.
/// </summary>
public static class PeerCalls
{
    /// <summary>The deadline of one attempt.</summary>
    public static readonly TimeSpan AttemptDeadline = TimeSpan.FromSeconds(2);

    /// <summary>A new pipeline for one peer (one circuit per peer and caller, not per call).</summary>
    /// <remarks>
    /// Deadlines and back-off run on real elapsed time, like the outbox's: an operator who moves the domain clock (a
    /// simulated year in a demo) must not time out every call in flight.
    /// </remarks>
    public static ResiliencePipeline Pipeline() => new ResiliencePipelineBuilder()
        .AddTimeout(TimeSpan.FromSeconds(6))
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
        })
        .Build();

    /// <summary>True for the failures worth another attempt: the peer is down, slow or shedding load.</summary>
    public static bool IsTransient(RpcException exception) =>
        exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>True when <paramref name="exception"/> means the peer could not answer (as opposed to a refusal it gave).</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is BrokenCircuitException or TimeoutRejectedException or HttpRequestException || (exception is RpcException rpc && IsTransient(rpc));

    /// <summary>
    /// Calls the peer behind the named client <paramref name="clientName"/> as the workload <paramref name="callingService"/>,
    /// through <paramref name="pipeline"/>, each attempt with its deadline. NOT_FOUND, the peer's answer about the thing
    /// asked for, reaches the caller as it came; any other failure becomes <see cref="PeerUnavailableException"/> with
    /// <paramref name="unavailable"/> as its message: an outage is logged as a warning, a refusal of this process's own
    /// identity (a misconfiguration an operator must see) as an error. A caller who cancelled gets its cancellation.
    /// </summary>
    public static async Task<TResponse> CallAsync<TClient, TResponse>(
        this ResiliencePipeline pipeline, GrpcClientFactory clients, string clientName, WorkloadTokens tokens, string callingService,
        Func<TClient, Metadata, DateTime, CancellationToken, Task<TResponse>> call, ILogger logger, string unavailable, CancellationToken cancellationToken)
        where TClient : class
    {
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                var client = clients.CreateClient<TClient>(clientName);
                var headers = await tokens.WorkloadHeadersAsync(callingService, token);
                return await call(client, headers, DateTime.UtcNow + AttemptDeadline, token);
            }, cancellationToken);
        }
        catch (Exception ex) when ((ex is RpcException { StatusCode: not StatusCode.NotFound } or InvalidOperationException || IsUnreachable(ex)) && !cancellationToken.IsCancellationRequested)
        {
            logger.Log(IsUnreachable(ex) ? LogLevel.Warning : LogLevel.Error, ex, "A peer call of {Client} failed", clientName);
            throw new PeerUnavailableException(unavailable, ex);
        }
    }

    /// <summary>Call headers carrying the workload token of <paramref name="callingService"/>.</summary>
    public static async Task<Metadata> WorkloadHeadersAsync(this WorkloadTokens tokens, string callingService, CancellationToken cancellationToken) =>
        new() { { "authorization", $"Bearer {await tokens.GetAsync(cancellationToken, callingService)}" } };
}

/// <summary>Another service this call needs could not answer; nothing was written. Clients see UNAVAILABLE (PEER_UNAVAILABLE) and retry with back-off.</summary>
public sealed class PeerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
