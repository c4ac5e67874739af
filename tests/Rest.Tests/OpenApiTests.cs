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

    // Found by the fuzzing peer (tests/fuzz): the generator described google.protobuf.Value, the type of every field of a
    // google.rpc.Status detail, as its C# class (an object of kindCase, hasNullValue…), so every error body with an
    // ErrorInfo ("reason": "NOT_FOUND", a string) broke the documented schema.
    [SkippableFact]
    public async Task An_error_body_keeps_to_the_documented_status_schema()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(Platform.Hosting.RestTranscoding.OpenApiPath));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        using var response = await SendAsync(HttpMethod.Post, "/v1/serviceUsers:findByBsn", TokenOf(gp.Professional), """{"bsn":"12"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // Status: code, message, details of Any; an Any's fields beside @type are of the schema its additionalProperties names.
        var any = schemas.GetProperty("Any");
        var field = any.GetProperty("additionalProperties").GetProperty("$ref").GetString()!.Split('/')[^1];
        var fieldSchema = schemas.GetProperty(field);
        var details = body.RootElement.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal(2, details.Count);
        foreach (var value in details.SelectMany(d => d.EnumerateObject()).Where(p => p.Name != "@type").Select(p => p.Value))
        {
            // reason (a string), metadata (an object), fieldViolations (an array): a schema of any JSON value has no type.
            Assert.True(!fieldSchema.TryGetProperty("type", out _) && !fieldSchema.TryGetProperty("properties", out _),
                $"the documented {field} ({fieldSchema}) does not take the {value.ValueKind} a detail carries");
        }

        foreach (var gone in new[] { "Struct", "ListValue", "NullValue", "KindOneofCase" })
        {
            Assert.False(schemas.TryGetProperty(gone, out _), $"{gone} describes a C# class, not the protobuf JSON mapping");
        }
    }

    // The fuzzing peer reads a server stream's lines only when the document marks it; timestamps are RFC 3339.
    [SkippableFact]
    public async Task The_document_marks_server_streams_and_timestamps()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(Platform.Hosting.RestTranscoding.OpenApiPath));
        var paths = document.RootElement.GetProperty("paths");
        var streaming = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value)))
            .Where(o => o.Operation.TryGetProperty("x-server-streaming", out var mark) && mark.GetBoolean())
            .Select(o => o.Path)
            .ToList();
        Assert.Equal(["POST /v1/referrals:watchIncoming"], streaming);

        var referral = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Referral").GetProperty("properties");
        Assert.Equal("date-time", referral.GetProperty("createTime").GetProperty("format").GetString());
    }

    [Fact]
    public void Every_rpc_has_a_google_api_http_path()
    {
        var methods = ContractFiles.SelectMany(f => f.Services).SelectMany(s => s.Methods).ToList();
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
