using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Api;
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
    public void A_page_token_round_trips_and_refuses_other_filters_and_forgeries()
    {
        var token = Paging.Encode(new PageCursor(["0", "5", "abc"], "debt|moerwijk", 20));

        Assert.Equal(["0", "5", "abc"], Paging.Decode(token, "debt|moerwijk")!.Keys);
        Assert.Equal(20, Paging.Decode(token, "debt|moerwijk")!.Position);
        Assert.Null(Paging.Decode("", "anything"));
        Assert.Throws<InvalidRequestException>(() => Paging.Decode(token, "debt|transvaal"));
        Assert.Throws<InvalidRequestException>(() => Paging.Decode("%%%", "debt|moerwijk"));
        Assert.Throws<InvalidRequestException>(() => Paging.Decode(token[..^4], "debt|moerwijk"));
    }

    [Fact]
    public void A_masked_update_copies_only_the_named_changeable_fields()
    {
        var current = new Organization { Id = "o-1", Name = "Old", Description = "Keep", Neighbourhoods = { "moerwijk" } };
        var update = new Organization { Id = "evil", Name = "New", Description = "", Neighbourhoods = { "transvaal" } };
        string[] changeable = ["name", "description", "neighbourhoods"];

        var merged = ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name", "neighbourhoods" } }, changeable);

        Assert.Equal("o-1", merged.Id);
        Assert.Equal("New", merged.Name);
        Assert.Equal("Keep", merged.Description);
        Assert.Equal(["transvaal"], merged.Neighbourhoods);
        Assert.Equal("", ProtoValues.MergeUpdate(current, update, null, changeable).Description);
        Assert.Throws<InvalidRequestException>(() => ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "id" } }, changeable));
        Assert.Throws<InvalidRequestException>(() => ProtoValues.MergeUpdate(current, update, new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name.first" } }, changeable));
    }
}
