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
        if (request is IMessage message)
        {
            var unsafeText = new List<BadRequest.Types.FieldViolation>();
            FindUnsafeText(message, "", unsafeText);
            if (unsafeText.Count > 0)
            {
                throw new InvalidRequestException(unsafeText);
            }
        }

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

    /// <summary>
    /// Every string of every request, in every service: no control characters (tab and line breaks aside).
    /// Databases refuse some of them (PostgreSQL: NUL) and none belongs in a name or a note.
    /// </summary>
    private static void FindUnsafeText(IMessage message, string prefix, List<BadRequest.Types.FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            var path = prefix + field.Name;
            switch (value)
            {
                case string text when !IsSafe(text):
                    violations.Add(new BadRequest.Types.FieldViolation { Field = path, Description = "must not contain control characters" });
                    break;
                case IMessage nested:
                    FindUnsafeText(nested, path + ".", violations);
                    break;
                case System.Collections.IList list when !field.IsMap:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is string item && !IsSafe(item))
                        {
                            violations.Add(new BadRequest.Types.FieldViolation { Field = $"{path}[{i}]", Description = "must not contain control characters" });
                        }
                        else if (list[i] is IMessage element)
                        {
                            FindUnsafeText(element, $"{path}[{i}].", violations);
                        }
                    }

                    break;
            }
        }
    }

    // Decoded UTF-8 never holds unpaired surrogates (invalid bytes become U+FFFD), so control characters are what is left.
    private static bool IsSafe(string text) => !text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));

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
