using ReferralNet.Contracts.V1;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Tests;

public sealed class RequestShapeTests
{
    [Theory]
    [InlineData("Service.Eligibility.MaxAge", "service.eligibility.max_age")]
    [InlineData("Service.Languages[2]", "service.languages[2]")]
    [InlineData("RequestId", "request_id")]
    [InlineData("Service.AcknowledgementDeadline", "service.acknowledgement_deadline")]
    public void Validation_paths_are_reported_as_proto_field_paths(string property, string field)
    {
        Assert.Equal(field, ValidationInterceptor.ProtoFieldPath(CreateServiceRequest.Descriptor, property));
    }

    [Fact]
    public void A_page_token_round_trips_and_refuses_other_queries_forgeries_and_other_keys()
    {
        var tokens = Tokens(RandomNumberGenerator.GetBytes(32));
        var token = tokens.Encode(new PageCursor(["0", "5", "abc"], 20), "search|debt|moerwijk");

        Assert.Equal(["0", "5", "abc"], tokens.Decode(token, "search|debt|moerwijk", 3)!.Keys);
        Assert.Equal(20, tokens.Decode(token, "search|debt|moerwijk", 3)!.Position);
        Assert.Null(tokens.Decode("", "anything", 3));

        string[] forgeries =
        [
            token[..^4], token[4..], "%%%", "AAAA", token + "A", new string('A', 5000),
            token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..],
            Tokens(RandomNumberGenerator.GetBytes(32)).Encode(new PageCursor(["0", "5", "abc"]), "search|debt|moerwijk"),
            tokens.Encode(new PageCursor(["a", "b"]), "search|debt|moerwijk"),
            tokens.Encode(new PageCursor([]), "search|debt|moerwijk"),
        ];
        foreach (var forged in forgeries)
        {
            var error = Assert.Throws<InvalidRequestException>(() => tokens.Decode(forged, "search|debt|moerwijk", 3));
            Assert.Equal("page_token", Assert.Single(error.Violations).Field);
        }

        Assert.Throws<InvalidRequestException>(() => tokens.Decode(token, "search|debt|transvaal", 3));
    }

    private static PageTokens Tokens(byte[] key)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ReferralNet:Keys:PageTokens"] = Convert.ToBase64String(key) })
            .Build();
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Production };
        return new PageTokens(new SecretKeys(configuration, environment, Options.Create(new PersistenceOptions())));
    }

    [Fact]
    public void A_masked_update_copies_only_the_named_changeable_fields_and_an_unmasked_one_only_the_set_fields()
    {
        var current = new Organization { Id = "o-1", Name = "Old", Description = "Keep", Neighbourhoods = { "moerwijk" } };
        var update = new Organization { Id = "evil", Name = "New", Description = "", Neighbourhoods = { "transvaal" } };
        string[] changeable = ["name", "description", "neighbourhoods"];

        var merged = ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name", "neighbourhoods" } }, changeable);

        Assert.Equal("o-1", merged.Id);
        Assert.Equal("New", merged.Name);
        Assert.Equal("Keep", merged.Description);
        Assert.Equal(["transvaal"], merged.Neighbourhoods);
        // Without a mask only the fields the update sets change (AIP-134): an empty description wipes nothing.
        var unmasked = ProtoValues.MergeUpdate(current, update, null, changeable);
        Assert.Equal(("New", "Keep", "o-1"), (unmasked.Name, unmasked.Description, unmasked.Id));
        Assert.Equal(["transvaal"], unmasked.Neighbourhoods);
        Assert.Throws<InvalidRequestException>(() => ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "id" } }, changeable));
        Assert.Throws<InvalidRequestException>(() => ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name.first" } }, changeable));
    }
}
