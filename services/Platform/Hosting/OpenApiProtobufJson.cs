using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// Makes the OpenAPI document say what JSON transcoding sends and reads (the protobuf JSON mapping), where
/// Microsoft.AspNetCore.Grpc.Swagger describes the C# types instead. The fuzzing peer (tests/fuzz) found each of these
/// as answers that violated the document:
/// <list type="bullet">
/// <item>google.protobuf.Value, the type of every field of a google.rpc.Status detail (<c>Any</c>), was described as the
/// C# class (an object with <c>kindCase</c>, <c>hasNullValue</c>…), so every error body with an ErrorInfo broke its schema
/// (<c>"reason": "NOT_FOUND"</c> is no object). It is any JSON value; Struct an object of them, ListValue an array.</item>
/// <item>Timestamps are RFC 3339 strings (format date-time) and durations seconds with an "s" (<c>"604800s"</c>).</item>
/// <item>Server streams answer newline-delimited JSON, one message a line: marked <c>x-server-streaming</c>.</item>
/// </list>
/// </summary>
internal sealed class OpenApiProtobufJson : ISchemaFilter, IOperationFilter, IDocumentFilter
{
    /// <summary>The extension that marks an operation whose answer is a server stream.</summary>
    public const string ServerStreamingExtension = "x-server-streaming";

    // The schemas only the C# description of google.protobuf.Value used; unreferenced once Value is any JSON value.
    private static readonly string[] ValueParts = ["NullValue", "KindOneofCase", "Struct", "ListValue"];

    public void Apply(OpenApiSchema schema, SchemaFilterContext context)
    {
        var type = context.Type;
        if (type == typeof(Value))
        {
            Reset(schema);
            schema.Description = "Any JSON value (google.protobuf.Value).";
        }
        else if (type == typeof(Struct))
        {
            Reset(schema);
            schema.Type = "object";
            schema.AdditionalProperties = context.SchemaGenerator.GenerateSchema(typeof(Value), context.SchemaRepository);
            schema.Description = "A JSON object (google.protobuf.Struct).";
        }
        else if (type == typeof(ListValue))
        {
            Reset(schema);
            schema.Type = "array";
            schema.Items = context.SchemaGenerator.GenerateSchema(typeof(Value), context.SchemaRepository);
            schema.Description = "A JSON array (google.protobuf.ListValue).";
        }
        else if (type == typeof(Any))
        {
            // The fields of the message the @type names, beside @type: any JSON value each.
            schema.AdditionalProperties = context.SchemaGenerator.GenerateSchema(typeof(Value), context.SchemaRepository);
        }
        else if (type == typeof(Timestamp))
        {
            schema.Format = "date-time";
        }
        else if (type == typeof(Duration))
        {
            schema.Pattern = @"^-?[0-9]+(\.[0-9]{1,9})?s$";
        }
    }

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var rest = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
        if (rest?.MethodDescriptor.IsServerStreaming != true)
        {
            return;
        }

        operation.Extensions[ServerStreamingExtension] = new OpenApiBoolean(true);
        if (operation.Responses.TryGetValue("200", out var ok))
        {
            ok.Description = "OK: a server stream, newline-delimited JSON: one message of this schema a line, for as long as the stream lasts.";
        }
    }

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components.Schemas;
        foreach (var name in ValueParts)
        {
            if (schemas.ContainsKey(name) && !IsReferenced(document, name))
            {
                schemas.Remove(name);
            }
        }
    }

    private static void Reset(OpenApiSchema schema)
    {
        schema.Type = null;
        schema.Format = null;
        schema.Properties.Clear();
        schema.Required.Clear();
        schema.AdditionalProperties = null;
        schema.AdditionalPropertiesAllowed = true;
        schema.Items = null;
        schema.Nullable = false;
        schema.ReadOnly = false;
    }

    private static bool IsReferenced(OpenApiDocument document, string name)
    {
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        var found = false;
        void Walk(OpenApiSchema? schema)
        {
            if (found || schema is null || !seen.Add(schema))
            {
                return;
            }

            if (schema.Reference?.Id == name)
            {
                found = true;
                return;
            }

            if (schema.Reference is not null)
            {
                return;
            }

            foreach (var property in schema.Properties.Values)
            {
                Walk(property);
            }

            Walk(schema.Items);
            Walk(schema.AdditionalProperties);
            foreach (var part in schema.AllOf.Concat(schema.AnyOf).Concat(schema.OneOf))
            {
                Walk(part);
            }
        }

        foreach (var (key, schema) in document.Components.Schemas)
        {
            if (key != name)
            {
                Walk(schema);
            }
        }

        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations.Values))
        {
            foreach (var parameter in operation.Parameters)
            {
                Walk(parameter.Schema);
            }

            foreach (var media in (operation.RequestBody?.Content.Values ?? []).Concat(operation.Responses.Values.SelectMany(r => r.Content.Values)))
            {
                Walk(media.Schema);
            }
        }

        return found;
    }
}
