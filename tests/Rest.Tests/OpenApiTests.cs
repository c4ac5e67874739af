using System.Net;
using Google.Api;
using Google.Protobuf.Reflection;

namespace ReferralNet.Rest.Tests;

/// <summary>The REST contract: every RPC has its resource-oriented path, and the checked-in OpenAPI document is the one the host serves.</summary>
[Collection(SqliteCollection.Name)]
public sealed class OpenApiTests(RestSqliteFixture fixture) : RestTest(fixture)
{
    /// <summary>The checked-in document, from the repository root.</summary>
    private static string CheckedInPath => Path.Combine(RepositoryRoot(), "docs", "openapi.json");

    [SkippableFact]
    public async Task The_served_openapi_document_is_the_checked_in_one()
    {
        using var response = await SendAsync(HttpMethod.Get, Platform.Hosting.RestTranscoding.OpenApiPath, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsStringAsync();
        var checkedIn = File.Exists(CheckedInPath) ? await File.ReadAllTextAsync(CheckedInPath) : "";
        // The file ends with a line break, as text files do; the served document does not.
        Assert.True(served.ReplaceLineEndings("\n") + "\n" == checkedIn,
            "docs/openapi.json differs from the document the host serves: a proto or the REST wiring changed. Regenerate it with "
            + "`dotnet run --project services/Server -- openapi \"$PWD/docs/openapi.json\"` and commit it.");
        Assert.Contains("\"/v1/serviceUsers/{serviceUserId}/networkView\"", served, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_rpc_has_a_google_api_http_path()
    {
        var files = new[]
        {
            OrganizationsReflection.Descriptor, CasesReflection.Descriptor, ReferralsReflection.Descriptor, SpannersReflection.Descriptor, AuditReflection.Descriptor, ClockReflection.Descriptor,
        };
        var methods = files.SelectMany(f => f.Services).SelectMany(s => s.Methods).ToList();
        var unmapped = methods.Where(m => m.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { PatternCase: not HttpRule.PatternOneofCase.None }).Select(m => m.FullName).ToList();
        Assert.True(unmapped.Count == 0, "RPCs without a google.api.http option: " + string.Join(", ", unmapped));

        var routes = methods.Select(m => m.GetOptions().GetExtension(AnnotationsExtensions.Http)).Select(r => $"{r.PatternCase} {RouteOf(r)}").ToList();
        Assert.Equal(routes.Count, routes.Distinct().Count());
        Assert.All(methods.Select(m => m.GetOptions().GetExtension(AnnotationsExtensions.Http)), r => Assert.StartsWith("/v1/", RouteOf(r), StringComparison.Ordinal));
    }

    private static string RouteOf(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        _ => rule.Custom.Path,
    };

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ReferralNet.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ReferralNet.sln not found above " + AppContext.BaseDirectory);
    }
}
