using Grpc.AspNetCore.Server;
using System.Buffers;
using Grpc.Core;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// Reads the single request message of unary and server-streaming calls before grpc-dotnet does. A client that resets
/// its stream while the body is still arriving (a deadline that fires mid-send, a hostile client) is then a quiet,
/// client-side event here; grpc-dotnet would log it as a server error. A complete body is handed to grpc-dotnet from
/// memory, so a reset that comes after it arrived cannot fail grpc-dotnet's read either; grpc-dotnet still enforces the
/// message size limit and the parsing rules.
/// Kestrel's own minimum request body data rate still ends a client that trickles its body.
/// </summary>
internal sealed class RequestPrefetch(RequestDelegate next, ILogger<RequestPrefetch> logger, int maxMessageSize)
{
    // Larger bodies are left to grpc-dotnet: holding unconsumed data near the HTTP/2 stream window (768 KiB in Kestrel)
    // would stall or fault the flow control, and almost every request is far smaller.
    private const int MaxPrefetch = 64 * 1024;
    private readonly long _limit = Math.Min(maxMessageSize + 5L, MaxPrefetch);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type is not (MethodType.Unary or MethodType.ServerStreaming))
        {
            await next(context);
            return;
        }

        var body = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(context.RequestAborted);
                if (read.IsCompleted)
                {
                    var message = read.Buffer.ToArray();
                    body.AdvanceTo(read.Buffer.End);
                    context.Request.Body = new MemoryStream(message, writable: false);
                    break;
                }

                if (read.IsCanceled || read.Buffer.Length > _limit)
                {
                    // Nothing examined: grpc-dotnet's first read returns this data at once.
                    body.AdvanceTo(read.Buffer.Start);
                    break;
                }

                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            logger.LogDebug(ex, "{Path}: the client went away before its request arrived", context.Request.Path);
            return;
        }

        await next(context);
    }
}
