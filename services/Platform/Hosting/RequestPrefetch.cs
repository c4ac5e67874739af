using System.Buffers;
using System.Buffers.Binary;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using ReferralNet.Platform.Errors;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// Reads the single request message of unary and server-streaming calls before grpc-dotnet does. A client that resets
/// its stream while the body is still arriving (a deadline that fires mid-send, a hostile client) is then a quiet,
/// client-side event here; grpc-dotnet would log it as a server error. A complete body is handed to grpc-dotnet from
/// memory, so a reset that comes after it arrived cannot fail grpc-dotnet's read either; grpc-dotnet still enforces the
/// message size limit and the parsing rules.
/// </summary>
/// <remarks>
/// Having the message at hand, it also checks its gRPC framing (a compressed flag of 0 or 1, a length, exactly one
/// message) and answers a malformed one with INVALID_ARGUMENT, reason MALFORMED_MESSAGE, on that call alone: it is the
/// client's error. grpc-dotnet would answer INTERNAL (a truncated message, a compressed flag without grpc-encoding,
/// data after the message) or UNKNOWN with an error in the server log (a flag other than 0 or 1). What grpc-dotnet
/// answers well is left to it: RESOURCE_EXHAUSTED for a message over the size limit, UNIMPLEMENTED (with the supported
/// encodings) for an unknown grpc-encoding.
/// </remarks>
internal sealed class RequestPrefetch(RequestDelegate next, ILogger<RequestPrefetch> logger, int maxMessageSize)
{
    // Larger bodies are left to grpc-dotnet: holding unconsumed data near the HTTP/2 stream window (768 KiB in Kestrel)
    // would stall or fault the flow control, and almost every request is far smaller.
    private const int MaxPrefetch = 64 * 1024;
    private const int FrameHeaderSize = 5;
    private readonly long _limit = Math.Min(maxMessageSize + (long)FrameHeaderSize, MaxPrefetch);

    public async Task InvokeAsync(HttpContext context)
    {
        // A REST call of a transcoded RPC carries JSON, not a gRPC message: JSON transcoding reads and checks it.
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || RestTranscoding.IsRest(context))
        {
            await next(context);
            return;
        }

        var body = context.Request.BodyReader;
        string? fault;
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(context.RequestAborted);
                if (read.IsCompleted || read.IsCanceled || read.Buffer.Length > _limit)
                {
                    var whole = read.IsCompleted && !read.IsCanceled && read.Buffer.Length <= _limit;
                    fault = FramingFault(read.Buffer, whole, context.Request.Headers["grpc-encoding"].ToString());
                    if (whole)
                    {
                        // From memory, grpc-dotnet's read cannot fail on a client that resets after its request arrived.
                        var message = read.Buffer.ToArray();
                        body.AdvanceTo(read.Buffer.End);
                        context.Request.Body = new MemoryStream(message, writable: false);
                    }
                    else
                    {
                        // Nothing examined: grpc-dotnet's first read returns this data at once.
                        body.AdvanceTo(read.Buffer.Start);
                    }

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

        if (fault is not null)
        {
            logger.LogInformation("{Path}: malformed request message refused: {Fault}", context.Request.Path, fault);
            ErrorMapping.WriteTrailersOnly(context.Response, Google.Rpc.Code.InvalidArgument, "MALFORMED_MESSAGE", $"The request is not one well-formed gRPC message: {fault}.");
            return;
        }

        await next(context);
    }

    /// <summary>What is wrong with the framing of the request message, or null; a body that did not all arrive here is checked only at its start.</summary>
    private string? FramingFault(ReadOnlySequence<byte> body, bool whole, string? encoding)
    {
        if (!body.IsEmpty)
        {
            var flag = body.FirstSpan[0];
            if (flag > 1)
            {
                return "the compressed flag of the message is neither 0 nor 1";
            }

            if (flag == 1 && (string.IsNullOrEmpty(encoding) || encoding == "identity"))
            {
                return "the message is marked compressed, but the request names no grpc-encoding";
            }
        }

        if (!whole)
        {
            return null;
        }

        if (body.Length < FrameHeaderSize)
        {
            return "the request ended before its message header did";
        }

        Span<byte> header = stackalloc byte[FrameHeaderSize];
        body.Slice(0, FrameHeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return length > maxMessageSize ? null // grpc-dotnet's RESOURCE_EXHAUSTED says it best
            : body.Length < FrameHeaderSize + length ? "the request ended before its message did"
            : body.Length > FrameHeaderSize + length ? "the request carries data after its one message"
            : null;
    }
}
