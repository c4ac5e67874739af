using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Rpc;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// What the transport does with clients that break the gRPC protocol or hold a stream open without reading or
/// sending: each gets a deliberate status on its own call, and the HTTP/2 connection it shares with other calls goes on.
/// Raw HTTP/2 requests stand for clients the gRPC libraries would not let us imitate.
/// </summary>
public abstract class TransportTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private const string ListOrganizations = "/referralnet.v1.OrganizationsService/ListOrganizations";
    private const string HealthCheck = "/grpc.health.v1.Health/Check";

    public static TheoryData<string, byte[], string> MalformedMessages => new()
    {
        { "a compressed flag without grpc-encoding", Frame(1, 2, 2), "" },
        { "a compressed flag with the identity encoding", Frame(1, 2, 2), "identity" },
        { "a compressed flag that is neither 0 nor 1", Frame(2, 0, 0), "" },
        { "a message shorter than its length", Frame(0, 100, 10), "" },
        { "a message header cut short", [0, 0], "" },
        { "no message at all", [], "" },
        { "two messages for a unary call", [.. Frame(0, 0, 0), .. Frame(0, 0, 0)], "" },
    };

    [SkippableTheory]
    [MemberData(nameof(MalformedMessages))]
    public async Task A_malformed_message_is_invalid_argument_and_the_connection_serves_on(string fault, byte[] body, string encoding)
    {
        using var raw = await RawAsync();
        foreach (var path in new[] { ListOrganizations, HealthCheck })
        {
            var answer = await raw.PostAsync(path, body, encoding.Length > 0 ? [("grpc-encoding", encoding)] : []);

            Assert.True(answer.Status == StatusCode.InvalidArgument, $"{fault} on {path}: {answer}");
            Assert.Equal("MALFORMED_MESSAGE", answer.Details!.GetDetail<ErrorInfo>().Reason);
            Assert.Equal(StatusCode.OK, (await raw.PostAsync(path, Frame(0, 0, 0))).Status);
        }
    }

    [SkippableFact]
    public async Task An_unknown_encoding_is_unimplemented_and_names_the_encodings_the_server_takes()
    {
        using var raw = await RawAsync();
        var answer = await raw.PostAsync(ListOrganizations, Frame(1, 2, 2), ("grpc-encoding", "br"));

        Assert.Equal(StatusCode.Unimplemented, answer.Status);
        Assert.Contains("gzip", answer.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Oversized_headers_are_refused_before_any_grpc_code_and_the_channel_serves_on()
    {
        var admin = await NetworkAdminAsync();

        // A compliant client reads the server's header list limit (SETTINGS_MAX_HEADER_LIST_SIZE, 32 KiB) and refuses to send.
        var big = new Metadata { { "authorization", admin.Headers!.Get("authorization")!.Value }, { "x-note", new string('a', 40_000) } };
        var refused = await FailsWith(StatusCode.Internal, () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest(), new CallOptions(big)).ResponseAsync);
        Assert.Contains("32768", refused.Status.Detail, StringComparison.Ordinal);
        Assert.NotEmpty((await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 1 }, admin)).Organizations);

        // A client that sends more headers than Kestrel takes gets HTTP 431 on that stream; the connection serves on.
        using var raw = await RawAsync();
        var crowded = await raw.PostAsync(ListOrganizations, Frame(0, 0, 0), [.. Enumerable.Range(0, 150).Select(i => ($"x-header-{i}", "v"))]);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, crowded.HttpStatus);
        Assert.Equal(StatusCode.OK, (await raw.PostAsync(ListOrganizations, Frame(0, 0, 0))).Status);
    }

    [SkippableFact]
    public async Task A_server_stream_that_is_never_read_and_a_silent_stream_leave_the_other_calls_of_their_channel_alone()
    {
        var admin = await NetworkAdminAsync();
        using var stop = new CancellationTokenSource();
        using var unread = new Health.HealthClient(Channel).Watch(new HealthCheckRequest(), cancellationToken: stop.Token);
        using var silent = new ServerReflection.ServerReflectionClient(Channel).ServerReflectionInfo();

        var calls = Enumerable.Range(0, 40).Select(async i =>
            i % 2 == 0
                ? (await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 5 }, admin)).Organizations.Count
                : (await new Health.HealthClient(Channel).CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving ? 1 : 0);
        Assert.All(await Task.WhenAll(calls), count => Assert.True(count > 0));

        // Both streams are still open and work when their clients come back to them.
        Assert.True(await unread.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, unread.ResponseStream.Current.Status);
        await silent.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await silent.RequestStream.CompleteAsync();
        Assert.True(await silent.ResponseStream.MoveNext(CancellationToken.None));
        Assert.False(await silent.ResponseStream.MoveNext(CancellationToken.None));
        await stop.CancelAsync();
    }

    [SkippableFact]
    public async Task A_request_whose_message_never_arrives_does_not_reset_the_connection_it_shares()
    {
        using var raw = await RawAsync();
        using var stop = new CancellationTokenSource();
        var silent = raw.SendSilentAsync(ListOrganizations, stop.Token);

        // Kestrel checks data rates on its own wall clock (a 5 s grace period, then once a second); a minimum request body
        // rate would abort the whole connection after about 6 s. Calls on the same connection go on past that.
        var until = DateTime.UtcNow.AddSeconds(7.5);
        var answered = 0;
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(StatusCode.OK, (await raw.PostAsync(ListOrganizations, Frame(0, 0, 0))).Status);
            answered++;
            await Task.Delay(250);
        }

        Assert.False(silent.IsCompleted, $"The silent call ended: {silent.Exception?.GetBaseException().Message}");
        Assert.True(answered > 10);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => silent);
    }

    /// <summary>A gRPC frame: the compressed flag, the declared length, and <paramref name="actual"/> bytes of message.</summary>
    private static byte[] Frame(byte flag, int declared, int actual)
    {
        var frame = new byte[5 + actual];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declared);
        return frame;
    }

    private async Task<RawHttp2> RawAsync() => new(Channel.Target, (await NetworkAdminAsync()).Headers!.Get("authorization")!.Value);

    /// <summary>An HTTP/2 client on one connection that sends gRPC requests byte for byte as told.</summary>
    private sealed class RawHttp2(string address, string authorization) : IDisposable
    {
        private readonly HttpClient _http = new(new SocketsHttpHandler());

        public async Task<RawAnswer> PostAsync(string path, byte[] body, params (string Name, string Value)[] headers)
        {
            using var response = await _http.SendAsync(Request(path, new ByteArrayContent(body), headers));
            await response.Content.ReadAsByteArrayAsync();
            string? Header(string name) =>
                response.Headers.TryGetValues(name, out var values) || response.TrailingHeaders.TryGetValues(name, out values) ? values.First() : null;
            var details = Header("grpc-status-details-bin") is { } encoded
                ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=')))
                : null;
            return new RawAnswer(response.StatusCode, Header("grpc-status") is { } code ? (StatusCode)int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) : null, Header("grpc-message"), details);
        }

        /// <summary>Sends the headers of a request whose body never comes, until cancelled.</summary>
        public async Task SendSilentAsync(string path, CancellationToken cancellationToken)
        {
            using var response = await _http.SendAsync(Request(path, new SilentContent(), []), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }

        public void Dispose() => _http.Dispose();

        private HttpRequestMessage Request(string path, HttpContent content, (string Name, string Value)[] headers)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            var request = new HttpRequestMessage(HttpMethod.Post, $"http://{address}{path}")
            {
                Content = content,
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("authorization", authorization);
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        }
    }

    private sealed class SilentContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed record RawAnswer(HttpStatusCode HttpStatus, StatusCode? Status, string? Message, Google.Rpc.Status? Details);
}

[Collection(SqliteCollection.Name)]
public sealed class TransportTestsOnSqlite(SqliteFixture fixture) : TransportTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class TransportTestsOnPostgres(PostgresFixture fixture) : TransportTests(fixture);
