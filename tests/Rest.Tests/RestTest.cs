using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;

namespace ReferralNet.Rest.Tests;

/// <summary>Base of the REST tests: plain HTTP/1.1 calls with JSON bodies against the shared host, and their google.rpc.Status errors.</summary>
public abstract class RestTest(NetworkFixture fixture) : NetworkTest(fixture)
{
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    /// <summary>Every file of the contract (referralnet.v1), found in the generated code, so a new proto file is covered too.</summary>
    protected static IReadOnlyList<FileDescriptor> ContractFiles { get; } =
    [
        .. typeof(OrganizationsService).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor")?.GetValue(null)).OfType<FileDescriptor>()
            .Where(f => f.Package == "referralnet.v1"),
    ];

    /// <summary>An HTTP/1.1 client of the host, as curl or a browser would call it.</summary>
    protected HttpClient Http
    {
        get
        {
            Skip.If(Fixture.SkipReason is not null, Fixture.SkipReason);
            return new HttpClient { BaseAddress = Fixture.Address, DefaultRequestVersion = HttpVersion.Version11 };
        }
    }

    /// <summary>The bearer token of <paramref name="member"/>.</summary>
    protected string TokenOf(Member member) => Fixture.Services.GetRequiredService<Platform.Identity.DevTokenIssuer>().Issue(Standing(member));

    /// <summary>Sends <paramref name="body"/> (JSON text, or none) to <paramref name="path"/> with <paramref name="token"/> (or none).</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Calls <paramref name="path"/> and parses its answer as <typeparamref name="T"/>; the call must succeed.</summary>
    protected async Task<T> CallAsync<T>(HttpMethod method, string path, string token, string? body = null)
        where T : IMessage, new()
    {
        using var response = await SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonParser.Default.Parse<T>(text);
    }

    /// <summary>Calls <paramref name="path"/>, which must fail with <paramref name="http"/> and a google.rpc.Status JSON body of <paramref name="code"/>.</summary>
    protected async Task<Google.Rpc.Status> RefusedAsync(HttpStatusCode http, Code code, HttpMethod method, string path, string? token, string? body = null)
    {
        using var response = await SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == http, $"{method} {path}: expected {(int)http}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = StatusParser.Parse<Google.Rpc.Status>(text);
        Assert.Equal((int)code, status.Code);
        Assert.False(string.IsNullOrWhiteSpace(status.Message));
        return status;
    }

    /// <summary>The ErrorInfo reason of a refusal.</summary>
    protected static string ReasonOf(Google.Rpc.Status status) => status.GetDetail<ErrorInfo>()?.Reason ?? "(no ErrorInfo)";
}
