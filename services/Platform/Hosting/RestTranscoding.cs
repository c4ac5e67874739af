using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.Swagger;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// REST/JSON beside gRPC: every RPC with a <c>google.api.http</c> annotation is also served as JSON over HTTP/1.1 and
/// HTTP/2 by gRPC JSON transcoding, through the same endpoint, interceptors (errors, audit, validation) and authorization
/// as its gRPC call. Errors are google.rpc.Status JSON with the same details; server streams are newline-delimited JSON.
/// The OpenAPI document of that surface is generated from the protos and served at <see cref="OpenApiPath"/>.
/// </summary>
public static class RestTranscoding
{
    /// <summary>The name of the one OpenAPI document.</summary>
    public const string OpenApiDocument = "v1";

    /// <summary>Where the host serves the OpenAPI document (anonymous, like reflection).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    // google.rpc.Status details in JSON bodies name their type; these are the ones ReferralNet sends. Default values are
    // written, as JSON transcoding writes the statuses of the RPCs themselves.
    private static readonly TypeRegistry ErrorDetails = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor);
    private static readonly JsonFormatter ErrorFormatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(ErrorDetails).WithFormatDefaultValues(true));

    /// <summary>Adds JSON transcoding to the gRPC services and the OpenAPI generator that describes it.</summary>
    public static IGrpcServerBuilder AddRestTranscoding(this IGrpcServerBuilder grpc)
    {
        grpc.AddJsonTranscoding(transcoding => transcoding.TypeRegistry = ErrorDetails);
        grpc.Services.AddGrpcSwagger();
        grpc.Services.AddSwaggerGen(openApi =>
        {
            openApi.SwaggerDoc(OpenApiDocument, new OpenApiInfo
            {
                Title = "ReferralNet",
                Version = OpenApiDocument,
                Description = "REST/JSON transcoding of the ReferralNet gRPC API (protos/referralnet/v1). Every call needs a bearer token; "
                    + "errors are google.rpc.Status JSON (code, message, details with google.rpc.ErrorInfo and google.rpc.BadRequest).",
            });
            openApi.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A member token (in the embedded shape: dotnet run --project services/Server -- dev-token --member <e-mail>).",
            });
            openApi.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" } }] = [],
            });

            // The protobuf JSON mapping where the generator describes the C# types (Value, 64-bit integers, timestamps, streams).
            openApi.SchemaFilter<OpenApiProtobufJson>();
            openApi.OperationFilter<OpenApiProtobufJson>();
            openApi.DocumentFilter<OpenApiProtobufJson>();

            // The proto comments, through the XML documentation protoc's C# output carries.
            var contracts = typeof(Contracts.V1.OrganizationsService).Assembly;
            var comments = Path.ChangeExtension(contracts.Location, ".xml");
            openApi.IncludeXmlComments(comments);
            openApi.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
        });
        return grpc;
    }

    /// <summary>Serves the OpenAPI document at <see cref="OpenApiPath"/>, without a token.</summary>
    public static WebApplication MapOpenApiDocument(this WebApplication app)
    {
        app.MapSwagger("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>The OpenAPI document of the services this host maps, as the host serves it.</summary>
    public static string OpenApiJson(IServiceProvider services)
    {
        var document = services.GetRequiredService<ISwaggerProvider>().GetSwagger(OpenApiDocument);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV3(new Microsoft.OpenApi.Writers.OpenApiJsonWriter(text));
        return text.ToString().ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>True when the request is a REST/JSON call of a transcoded RPC rather than a gRPC call.</summary>
    public static bool IsRest(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;

    /// <summary>
    /// The gRPC method path ("/referralnet.v1.OrganizationsService/GetMember") of the RPC a request calls, over gRPC or
    /// REST; for any other request its URL path.
    /// </summary>
    public static string MethodOf(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<GrpcJsonTranscodingMetadata>() is { } rest)
        {
            return $"/{rest.MethodDescriptor.Service.FullName}/{rest.MethodDescriptor.Name}";
        }

        return metadata?.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method.FullName ?? context.Request.Path.Value ?? "";
    }

    /// <summary>Answers a REST call before its RPC runs with <paramref name="status"/> as google.rpc.Status JSON and its HTTP status.</summary>
    public static Task WriteStatusAsync(Microsoft.AspNetCore.Http.HttpResponse response, Google.Rpc.Status status)
    {
        response.StatusCode = HttpStatusOf((Code)status.Code);
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(ErrorFormatter.Format(status));
    }

    // The mapping of google/rpc/code.proto, as JSON transcoding applies it to the errors of the RPCs themselves.
    private static int HttpStatusOf(Code code) => code switch
    {
        Code.Ok => StatusCodes.Status200OK,
        Code.Cancelled => 499,
        Code.InvalidArgument or Code.FailedPrecondition or Code.OutOfRange => StatusCodes.Status400BadRequest,
        Code.Unauthenticated => StatusCodes.Status401Unauthorized,
        Code.PermissionDenied => StatusCodes.Status403Forbidden,
        Code.NotFound => StatusCodes.Status404NotFound,
        Code.AlreadyExists or Code.Aborted => StatusCodes.Status409Conflict,
        Code.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        Code.Unimplemented => StatusCodes.Status501NotImplemented,
        Code.Unavailable => StatusCodes.Status503ServiceUnavailable,
        Code.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };
}
