using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// One cleartext port for gRPC and REST: a connection that opens with the HTTP/2 preface (gRPC and every HTTP/2 client
/// with prior knowledge) is served as HTTP/2, any other as HTTP/1.1 (curl, browsers, urllib, fetch). Kestrel picks the
/// protocol of a cleartext HTTP/1.1-and-HTTP/2 endpoint without looking at the connection (it would always answer
/// HTTP/1.1; without TLS there is no ALPN to ask), so this connection middleware looks at the first bytes and tells it,
/// through Kestrel's per-connection protocols feature, before its HTTP middleware runs.
/// </summary>
internal static class CleartextProtocols
{
    // Kestrel's per-connection protocol choice (HttpConnectionMiddleware reads it; its TLS handshake callback sets it) is
    // internal, so it can only be found by name. If upstream renames it, start-up fails here rather than serving gRPC
    // clients HTTP/1.1.
    private const string ProtocolsFeatureName = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature";

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Serves HTTP/2-preface connections of <paramref name="listen"/> as HTTP/2 and the others as HTTP/1.1.</summary>
    public static void UseCleartextProtocolDetection(this ListenOptions listen, TimeSpan firstBytesTimeout)
    {
        var featureType = typeof(KestrelServerOptions).Assembly.GetType(ProtocolsFeatureName)
            ?? throw new InvalidOperationException($"Kestrel has no {ProtocolsFeatureName}; CleartextProtocols must be updated for this ASP.NET Core version.");
        var http2 = Activator.CreateInstance(featureType, HttpProtocols.Http2)!;

        // Not set explicitly: Kestrel's default for the endpoint is HTTP/1.1 and HTTP/2 (it would warn about the missing TLS).
        listen.Use(next => async connection =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            timeout.CancelAfter(firstBytesTimeout);
            bool isHttp2;
            try
            {
                isHttp2 = await StartsWithPrefaceAsync(connection.Transport.Input, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Nothing (or not enough to tell) arrived in time, as Kestrel's own request-headers timeout would end it.
                connection.Abort();
                return;
            }

            if (isHttp2)
            {
                connection.Features[featureType] = http2;
            }

            await next(connection);
        });
    }

    // Reads until the first bytes match the preface or differ from it, and leaves them unread for Kestrel's own reader.
    private static async Task<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            var matches = Preface.StartsWith(buffer.Slice(0, length).ToArray());
            if (!matches || length == Preface.Length || read.IsCompleted || read.IsCanceled)
            {
                // Nothing consumed or examined: Kestrel's first read returns this data at once.
                input.AdvanceTo(buffer.Start);
                return matches && length == Preface.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
