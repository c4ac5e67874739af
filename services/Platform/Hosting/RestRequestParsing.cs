using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Errors;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// Holds a REST call to the rules its gRPC call has, before JSON transcoding reads it. JSON transcoding accepts a body
/// of any size and drops fields it does not know; a gRPC call over the size limit is RESOURCE_EXHAUSTED, and an unknown
/// field in a JSON body or query is most often a typo that would otherwise be silently ignored (a filter that filters
/// nothing, a change that changes nothing). So a body over <c>ReferralNet:MaxReceiveMessageSize</c> answers
/// RESOURCE_EXHAUSTED, and a body that is not the JSON form of its message (malformed, an unknown field, a wrong type)
/// or a query parameter that names no field answers INVALID_ARGUMENT with reason MALFORMED_MESSAGE, as a malformed
/// gRPC message does. What passes is handed to JSON transcoding from memory.
/// </summary>
internal sealed class RestRequestParsing(RequestDelegate next, ILogger<RestRequestParsing> logger, int maxMessageSize)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } rest)
        {
            await next(context);
            return;
        }

        var input = rest.MethodDescriptor.InputType;
        var fault = UnknownQueryParameter(context.Request.Query.Keys, input);
        if (fault is null && !string.IsNullOrEmpty(rest.HttpRule.Body))
        {
            if (context.Request.ContentLength > maxMessageSize)
            {
                await RefuseAsync(context, Code.ResourceExhausted, "MESSAGE_TOO_LARGE", $"The request body is larger than {maxMessageSize} bytes.");
                return;
            }

            var body = new MemoryStream();
            var limit = maxMessageSize + 1L;
            try
            {
                await context.Request.Body.CopyToAsync(new LimitedStream(body, limit), context.RequestAborted);
            }
            catch (InvalidDataException)
            {
                await RefuseAsync(context, Code.ResourceExhausted, "MESSAGE_TOO_LARGE", $"The request body is larger than {maxMessageSize} bytes.");
                return;
            }
            catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
            {
                logger.LogDebug(ex, "{Path}: the client went away before its request arrived", context.Request.Path);
                return;
            }

            body.Position = 0;
            fault = BodyFault(body, rest.HttpRule.Body == "*" ? input : input.FindFieldByName(rest.HttpRule.Body)?.MessageType);
            body.Position = 0;
            context.Request.Body = body;
        }

        if (fault is not null)
        {
            await RefuseAsync(context, Code.InvalidArgument, "MALFORMED_MESSAGE", fault);
            return;
        }

        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, Code code, string reason, string message)
    {
        logger.LogInformation("{Path}: REST request refused ({Reason}): {Message}", context.Request.Path, reason, message);
        await ErrorMapping.WriteRefusalAsync(context, code, reason, message);
    }

    // Null when the body is the JSON form of the message (an empty body stands for the empty message, as in gRPC).
    private static string? BodyFault(MemoryStream body, MessageDescriptor? message)
    {
        if (message is null || body.Length == 0)
        {
            return null;
        }

        try
        {
            using var reader = new StreamReader(body, leaveOpen: true);
            Parser.Parse(reader, message);
            return null;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            // The parser's message quotes the body (an unknown field's name): escaped, as it reaches the log and the caller.
            return $"The request body is not a valid JSON {message.Name}: {ex.Message.Capped(ErrorMapping.MaxEchoedLength).Escaped()}".Capped(ErrorMapping.MaxEchoedLength, "…");
        }
    }

    // A query parameter names a field path of the request ("pageSize", "page_size", "filter.kind").
    private static string? UnknownQueryParameter(IEnumerable<string> keys, MessageDescriptor input)
    {
        foreach (var key in keys)
        {
            var message = input;
            FieldDescriptor? field = null;
            foreach (var segment in key.Split('.'))
            {
                field = message?.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == segment || f.Name == segment);
                message = field?.FieldType == FieldType.Message ? field.MessageType : null;
                if (field is null)
                {
                    break;
                }
            }

            if (field is null)
            {
                return $"The query parameter '{key.Capped(64, "…").Escaped()}' names no field of {input.Name}.";
            }
        }

        return null;
    }

    // Writes through to the buffer and fails once more than the limit has been written.
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (inner.Length + buffer.Length > limit)
            {
                throw new InvalidDataException("The request body is over the limit.");
            }

            inner.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
