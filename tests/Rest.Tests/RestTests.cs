using System.Net;
using Google.Protobuf;
using Google.Rpc;

namespace ReferralNet.Rest.Tests;

/// <summary>
/// The REST surface is the gRPC API by another road: the same endpoint methods, authorization, validation, audit and
/// error mapping, reached over HTTP/1.1 with JSON.
/// </summary>
public abstract class RestTests(RestFixture fixture) : RestTest(fixture)
{
    [SkippableFact]
    public async Task A_gp_searches_the_directory_and_opens_the_network_view_over_rest_as_over_grpc()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var walking = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var service = (await Directory.CreateServiceAsync(new CreateServiceRequest
        {
            Service = new Service
            {
                OrganizationId = walking.Organization.Id,
                Name = Unique("Wandelgroep tegen eenzaamheid"),
                Description = "Walks twice a week.",
                LifeDomains = { LifeDomain.Social },
                Languages = { "nl", "ar" },
                Capacity = new Capacity { OpenPlaces = 5, TypicalWaitDays = 3 },
                AcknowledgementDeadline = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(72)),
            },
        }, walking.Admin)).Service;
        var bsn = NewBsn();
        var user = (await RegisterAsync(team, bsn)).ServiceUser;
        await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call);
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth, LifeDomain.Social]);
        var token = TokenOf(gp.Professional);

        var search = await CallAsync<SearchServicesResponse>(HttpMethod.Post, "/v1/services:search", token,
            """{"lifeDomains":["LIFE_DOMAIN_SOCIAL"],"neighbourhood":"moerwijk","language":"ar"}""");
        Assert.Contains(search.Matches, m => m.Service.Id == service.Id);

        // The BSN travels in the body, never in the URL (URLs reach access logs).
        var found = await CallAsync<FindServiceUserByBsnResponse>(HttpMethod.Post, "/v1/serviceUsers:findByBsn", token, $$"""{"bsn":"{{bsn}}"}""");
        Assert.Equal(user.Id, found.ServiceUser.Id);
        var rest = (await CallAsync<GetNetworkViewResponse>(HttpMethod.Get, $"/v1/serviceUsers/{user.Id}/networkView", token)).View;

        // The audit interceptor ran for the REST read: it is in the service user's access log the coordinator sees, as a gRPC read would be.
        var log = await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = user.Id, OrganizationIds = { gp.Id } }, team.Call);
        Assert.Contains(log.Entries, e => e.OrganizationId == gp.Id && e.Method.EndsWith("/GetNetworkView", StringComparison.Ordinal) && e.Basis == AccessBasis.Consent);

        var grpc = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, gp.Call)).View;
        rest.AsOfTime = grpc.AsOfTime = null;
        Assert.Equal(grpc, rest);
        Assert.Equal([LifeDomain.PhysicalHealth, LifeDomain.Social], rest.VisibleLifeDomains);
    }

    [SkippableFact]
    public async Task Errors_are_the_grpc_statuses_as_json_with_the_same_details()
    {
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var token = TokenOf(gp.Professional);

        var invalid = await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/serviceUsers:findByBsn", token, """{"bsn":"12"}""");
        var grpcInvalid = (await FailsWith(StatusCode.InvalidArgument, () => ServiceUsers.FindServiceUserByBsnAsync(new FindServiceUserByBsnRequest { Bsn = "12" }, gp.Call).ResponseAsync)).GetRpcStatus();
        Assert.Equal(grpcInvalid, invalid);
        Assert.Equal(["bsn"], invalid.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Equal("INVALID_FIELDS", ReasonOf(invalid));

        var missing = Guid.NewGuid().ToString();
        var notFound = await RefusedAsync(HttpStatusCode.NotFound, Code.NotFound, HttpMethod.Get, $"/v1/serviceUsers/{missing}", token);
        var grpcNotFound = (await FailsWith(StatusCode.NotFound, () => ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = missing }, gp.Call).ResponseAsync)).GetRpcStatus();
        Assert.Equal(grpcNotFound, notFound);

        // A referral that does not exist: a transition with a path parameter and a body.
        var transition = await RefusedAsync(HttpStatusCode.NotFound, Code.NotFound, HttpMethod.Post, $"/v1/referrals/{missing}:accept", token,
            $$"""{"etag":"1","requestId":"{{Guid.NewGuid()}}"}""");
        Assert.Equal("NOT_FOUND", ReasonOf(transition));
    }

    [SkippableFact]
    public async Task The_door_refuses_rest_calls_as_grpc_calls_and_records_them_in_the_called_services_trail()
    {
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");

        Assert.Equal("NO_TOKEN", ReasonOf(await RefusedAsync(HttpStatusCode.Unauthorized, Code.Unauthenticated, HttpMethod.Get, $"/v1/members/{gp.Professional.Id}", null)));
        Assert.Equal("TOKEN_INVALID", ReasonOf(await RefusedAsync(HttpStatusCode.Unauthorized, Code.Unauthenticated, HttpMethod.Get, $"/v1/members/{gp.Professional.Id}", "not-a-token")));

        // An internal RPC takes workload tokens only: a member's token is refused at the door, named by its gRPC method.
        var forbidden = await RefusedAsync(HttpStatusCode.Forbidden, Code.PermissionDenied, HttpMethod.Get, $"/v1/members/{gp.Professional.Id}:checkMembership", TokenOf(gp.Professional));
        Assert.Equal("FORBIDDEN", ReasonOf(forbidden));
        Assert.Contains(ServerLog.Lines, line => line.Contains("Refused /referralnet.v1.OrganizationsService/CheckMembership at the door", StringComparison.Ordinal)
            && line.Contains(gp.Professional.Id, StringComparison.Ordinal));

        // The OpenAPI document is open, like reflection.
        using var document = await SendAsync(HttpMethod.Get, Platform.Hosting.RestTranscoding.OpenApiPath, null);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [SkippableFact]
    public async Task Hostile_input_gets_a_clear_400_never_a_500()
    {
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var token = TokenOf(gp.Professional);
        string[] bodies =
        [
            """{"bsn":""",                               // malformed
            """{"bsn":"111222333","bogus":1}""",         // an unknown field
            """{"bsn":5}""",                             // a wrong type
            """["111222333"]""",                         // not an object
            "null",
            """{"bsn":"111222333"}{"bsn":"1"}""",        // two documents
            new string('[', 5000) + new string(']', 5000), // deeper than any parser should follow
            "{\"bsn\":\"\u0000\u0001\"}",                // control characters
        ];
        foreach (var body in bodies)
        {
            var status = await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/serviceUsers:findByBsn", token, body);
            Assert.Contains(ReasonOf(status), new[] { "MALFORMED_MESSAGE", "INVALID_FIELDS" });
        }

        // Nested messages, enums and repeated fields are checked the same way.
        await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/referrals", token, """{"referral":"x"}""");
        await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/services:search", token, """{"lifeDomains":["LIFE_DOMAIN_NOPE"]}""");
        await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/services:search", token, """{"pageSize":"many"}""");

        // Query parameters: an unknown one, a wrong type.
        Assert.Equal("MALFORMED_MESSAGE", ReasonOf(await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Get, "/v1/organizations?pagesize=5", token)));
        await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Get, "/v1/organizations?pageSize=abc", token);

        // Input echoed into the message (and the log line) has its control and format characters escaped, so it cannot
        // end the line or forge another (the fuzzing peer found NUL bytes and line breaks written as they came).
        var echoedQuery = await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Get, "/v1/organizations?x%0Afail%3A%20forged%00%E2%80%AE=1", token);
        Assert.Contains("'x\\u000afail: forged\\u0000\\u202e'", echoedQuery.Message, StringComparison.Ordinal);
        var echoedBody = await RefusedAsync(HttpStatusCode.BadRequest, Code.InvalidArgument, HttpMethod.Post, "/v1/serviceUsers:findByBsn", token, "{\"a\\nfail: forged\":1}");
        Assert.Contains("a\\u000afail: forged", echoedBody.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(echoedQuery.Message + echoedBody.Message, c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

        // Over the message size limit (1 MiB), as a gRPC message would be.
        var huge = $$"""{"bsn":"{{new string('1', 2 * 1024 * 1024)}}"}""";
        Assert.Equal("MESSAGE_TOO_LARGE", ReasonOf(await RefusedAsync(HttpStatusCode.TooManyRequests, Code.ResourceExhausted, HttpMethod.Post, "/v1/serviceUsers:findByBsn", token, huge)));

        // The host still answers.
        await CallAsync<SearchServicesResponse>(HttpMethod.Post, "/v1/services:search", token, """{"life_domains":["LIFE_DOMAIN_DEBT"]}""");
    }

    [SkippableFact]
    public async Task The_inbox_stream_is_newline_delimited_json_behind_the_same_door()
    {
        var receiver = await NewPracticeAsync(OrganizationKind.Welfare);
        await RefusedAsync(HttpStatusCode.Unauthorized, Code.Unauthenticated, HttpMethod.Post, "/v1/referrals:watchIncoming", null, "{}");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/referrals:watchIncoming") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenOf(receiver.Professional));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // An inbox without referrals: the empty snapshot ends at once with CAUGHT_UP, one JSON message on one line.
        var line = await reader.ReadLineAsync(timeout.Token);
        var message = JsonParser.Default.Parse<WatchIncomingReferralsResponse>(line);
        Assert.Equal(InboxMessageKind.CaughtUp, message.Kind);
        Assert.False(string.IsNullOrEmpty(message.ResumeToken));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class RestTestsOnSqlite(RestSqliteFixture fixture) : RestTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class RestTestsOnPostgres(RestPostgresFixture fixture) : RestTests(fixture);
