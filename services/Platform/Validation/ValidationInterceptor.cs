using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ReferralNet.Platform.Validation;

/// <summary>
/// Runs the FluentValidation validator registered for a request message, if any, before the endpoint.
/// Violations name proto field paths ("service.eligibility.max_age", "languages[2]") so clients can map them to their input.
/// </summary>
public sealed partial class ValidationInterceptor(IServiceProvider services) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await ValidateAsync(request, context.CancellationToken);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ValidateAsync(request, context.CancellationToken);
        await continuation(request, responseStream, context);
    }

    private async Task ValidateAsync<TRequest>(TRequest request, CancellationToken cancellationToken)
    {
        if (services.GetService<IValidator<TRequest>>() is not { } validator)
        {
            return;
        }

        var result = await validator.ValidateAsync(request, cancellationToken);
        if (!result.IsValid)
        {
            var descriptor = (request as IMessage)?.Descriptor;
            throw new InvalidRequestException(result.Errors.Select(e => new BadRequest.Types.FieldViolation
            {
                Field = ProtoFieldPath(descriptor, e.PropertyName),
                Description = e.ErrorMessage,
            }));
        }
    }

    /// <summary>Turns a C# property path ("Service.Languages[0]") into the proto field path ("service.languages[0]").</summary>
    public static string ProtoFieldPath(MessageDescriptor? descriptor, string propertyPath)
    {
        var path = new StringBuilder();
        foreach (var segment in propertyPath.Split('.'))
        {
            var match = SegmentPattern().Match(segment);
            var name = match.Groups["name"].Value;
            var field = descriptor?.Fields.InDeclarationOrder().FirstOrDefault(f => f.PropertyName == name);
            if (path.Length > 0)
            {
                path.Append('.');
            }

            path.Append(field?.Name ?? name).Append(match.Groups["index"].Value);
            descriptor = field?.FieldType == FieldType.Message ? field.MessageType : null;
        }

        return path.ToString();
    }

    [GeneratedRegex(@"^(?<name>[^\[]*)(?<index>(\[\d+\])?)$")]
    private static partial Regex SegmentPattern();
}
