using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ReferralNet.Platform.Errors;

/// <summary>The outermost interceptor: turns every exception into its status; logs the ones that are bugs.</summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var status = ErrorMapping.ToStatus(exception);
        // Exception text may hold database values; it goes to the log, never to the client.
        if (status.StatusCode is StatusCode.Internal)
        {
            logger.LogError(exception, "{Method} failed with {StatusCode}, trace id {TraceId}", context.Method, status.StatusCode, Activity.Current?.TraceId.ToHexString());
        }
        else if (status.StatusCode is StatusCode.Unavailable)
        {
            // A database outage or a full audit trail: an operator must see it, but it is no bug of the server.
            logger.LogWarning(exception, "{Method} failed with {StatusCode}, trace id {TraceId}", context.Method, status.StatusCode, Activity.Current?.TraceId.ToHexString());
        }

        return status;
    }
}
