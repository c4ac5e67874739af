using Buf.Validate;
using FluentValidation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using FieldRules = Buf.Validate.FieldRules;
using ValidationInterceptor = ReferralNet.Platform.Validation.ValidationInterceptor;

namespace ReferralNet.Rest.Tests;

/// <summary>
/// The buf.validate annotations of the protos are what integrators (and their protovalidate clients) read; the server
/// enforces them with its FluentValidation validators. This holds the two in line: for every annotated field, the
/// values just inside and just outside each bound, judged by protovalidate itself, must be judged the same way by the
/// server's validator for that field.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class ValidationContractTests(RestSqliteFixture fixture) : RestTest(fixture)
{
    private static readonly ProtoValidate.Validator Annotations = new(new ProtoValidate.ValidatorOptions());

    [SkippableFact]
    public void Every_annotated_bound_is_enforced_by_the_servers_validators_and_nothing_within_it_is_refused()
    {
        var messages = ReferralNetMessages().ToList();
        var validated = messages.Select(m => (Message: m, Validator: ValidatorOf(m))).Where(m => m.Validator is not null).ToList();
        var disagreements = new List<string>();
        var judged = 0;
        foreach (var (message, field, rules) in messages.SelectMany(m => m.Fields.InDeclarationOrder().Select(f => (m, f, RulesOf(f)))).Where(a => a.Item3 is not null))
        {
            // Through the message's own validator when it has one; else through every validated message that holds it.
            var routes = validated.Where(v => v.Message == message).Select(v => (v.Message, v.Validator!, Path: Array.Empty<FieldDescriptor>())).ToList();
            if (routes.Count == 0)
            {
                routes = [.. validated.SelectMany(v => PathsTo(v.Message, message).Select(path => (v.Message, v.Validator!, Path: path)))];
            }

            if (routes.Count == 0)
            {
                disagreements.Add($"{message.Name}.{field.Name}: annotated, but no validator of the server sees it");
            }

            foreach (var (root, validator, path) in routes)
            {
                var fieldPath = string.Join('.', path.Append(field).Select(f => f.Name));
                foreach (var candidate in Candidates(field, rules!))
                {
                    var request = root.Parser.ParseFrom(ByteString.Empty);
                    var holder = Within(request, path);
                    SetWithinBounds(holder, except: field);
                    field.Accessor.SetValue(holder, candidate);
                    var allowed = !Annotations.Validate(request, false).Violations.Any(v => string.Join('.', v.Field.Elements.Select(e => e.FieldName)) == fieldPath);
                    var accepted = !Refusals(validator, request).Contains(fieldPath);
                    judged++;
                    if (allowed != accepted)
                    {
                        disagreements.Add($"{root.Name} {fieldPath} = {Show(candidate)}: the annotation {(allowed ? "allows" : "refuses")} it, the server {(accepted ? "accepts" : "refuses")} it");
                    }
                }
            }
        }

        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements));
        Assert.True(judged > 100, $"only {judged} values judged: are the annotations read?");
    }

    // Found by the fuzzing peer: a blank service_user_id passed the spanners service's check and reached the cases
    // service, which refused it, so the caller got UNAVAILABLE for its own bad input.
    [SkippableFact]
    public async Task A_blank_id_in_any_request_is_refused_as_invalid_and_never_answered_with_a_server_error()
    {
        var practice = await NewPracticeAsync();
        var failures = new List<string>();
        var unaryMethods = ContractFiles.SelectMany(f => f.Services)
            .SelectMany(service => service.Methods.Where(m => !m.IsClientStreaming && !m.IsServerStreaming).Select(m => (Service: service, Method: m)));
        var sent = 0;
        foreach (var (service, method) in unaryMethods)
        {
            foreach (var field in method.InputType.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.String && !f.IsRepeated && (f.Name == "id" || f.Name.EndsWith("_id", StringComparison.Ordinal))))
            {
                var request = method.InputType.Parser.ParseFrom(ByteString.Empty);
                field.Accessor.SetValue(request, " ");
                sent++;
                try
                {
                    await CallRawAsync(service, method.Name, request, practice.Call.WithDeadline(DateTime.UtcNow.AddSeconds(30)));
                }
                catch (RpcException error) when (error.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.PermissionDenied or StatusCode.Unimplemented)
                {
                    // Refused for the caller's input or standing, as it should be.
                }
                catch (RpcException error)
                {
                    failures.Add($"{service.Name}.{method.Name} with {field.Name} = \" \": {error.StatusCode} {error.Status.Detail}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(sent > 50, $"only {sent} requests sent");
        var refused = await Assert.ThrowsAsync<RpcException>(() => new SpannersService.SpannersServiceClient(Channel)
            .ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = " " }, practice.Call).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("service_user_id", refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    // The messages of the contract (referralnet.v1), nested ones included.
    private static IEnumerable<MessageDescriptor> ReferralNetMessages()
    {
        static IEnumerable<MessageDescriptor> WithNested(MessageDescriptor m) => m.NestedTypes.SelectMany(WithNested).Prepend(m);
        return ContractFiles.SelectMany(f => f.MessageTypes.SelectMany(WithNested));
    }

    private IValidator? ValidatorOf(MessageDescriptor message) =>
        message.ClrType is { } type ? Fixture.Services.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator : null;

    private static FieldRules? RulesOf(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(ValidateExtensions.Field) is { } rules && (rules.String is not null || rules.Int32 is not null || rules.Duration is not null) ? rules : null;

    // The chains of singular message fields that lead from one message to another (none through lists, maps or cycles).
    private static IEnumerable<FieldDescriptor[]> PathsTo(MessageDescriptor from, MessageDescriptor to, int depth = 0)
    {
        if (depth > 4)
        {
            yield break;
        }

        foreach (var field in from.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message && !f.IsRepeated && !f.IsMap && f.MessageType.File.Package == "referralnet.v1"))
        {
            if (field.MessageType == to)
            {
                yield return [field];
            }
            else
            {
                foreach (var rest in PathsTo(field.MessageType, to, depth + 1))
                {
                    yield return [field, .. rest];
                }
            }
        }
    }

    private static IMessage Within(IMessage root, FieldDescriptor[] path)
    {
        var holder = root;
        foreach (var step in path)
        {
            var next = step.MessageType.Parser.ParseFrom(ByteString.Empty);
            step.Accessor.SetValue(holder, next);
            holder = next;
        }

        return holder;
    }

    // The other annotated fields of the message at the first value their annotation allows, so a rule over several fields
    // (a calendar date's day in its month) judges the candidate and not an empty neighbour.
    private static void SetWithinBounds(IMessage holder, FieldDescriptor except)
    {
        foreach (var field in holder.Descriptor.Fields.InDeclarationOrder().Where(f => f != except))
        {
            if (RulesOf(field) is { } rules && Candidates(field, rules).FirstOrDefault(value => Allows(holder, field, value)) is { } allowed)
            {
                field.Accessor.SetValue(holder, allowed);
            }
        }
    }

    private static bool Allows(IMessage holder, FieldDescriptor field, object value)
    {
        var probe = holder.Descriptor.Parser.ParseFrom(ByteString.Empty);
        field.Accessor.SetValue(probe, value);
        return !Annotations.Validate(probe, false).Violations.Any(v => v.Field.Elements.Count == 1 && v.Field.Elements[0].FieldName == field.Name);
    }

    // The values on both sides of every bound of the annotation; a zero value only where the annotation does not ignore it.
    private static IEnumerable<object> Candidates(FieldDescriptor field, FieldRules rules)
    {
        var values = new List<object>();
        if (rules.String is { } text)
        {
            foreach (var length in new[] { text.HasMinLen ? (long?)text.MinLen : null, text.HasMaxLen ? (long?)text.MaxLen : null }.OfType<long>())
            {
                values.AddRange(new[] { length - 1, length, length + 1 }.Where(n => n >= 0).Select(n => (object)new string('a', (int)n)));
            }
        }

        if (rules.Int32 is { } number)
        {
            var bounds = new[]
            {
                number.HasGte ? (int?)number.Gte : null, number.HasGt ? number.Gt : null, number.HasLte ? number.Lte : null, number.HasLt ? number.Lt : null,
            };
            values.AddRange(bounds.OfType<int>().SelectMany(b => new[] { b - 1, b, b + 1 }).Select(n => (object)n));
        }

        if (rules.Duration is { } duration)
        {
            var bounds = new[] { duration.Gt, duration.Gte, duration.Lt, duration.Lte }.OfType<Duration>();
            values.AddRange(bounds.SelectMany(b => new[] { b.Seconds - 1, b.Seconds, b.Seconds + 1 }).Where(s => s >= 0).Select(s => (object)new Duration { Seconds = s }));
        }

        var zero = field.Accessor.GetValue(field.ContainingType.Parser.ParseFrom(ByteString.Empty));
        return values.Distinct(ValueComparer.Instance).Where(v => rules.Ignore != Ignore.IfZeroValue || !ValueComparer.Instance.Equals(v, zero ?? new Duration()));
    }

    private static HashSet<string> Refusals(IValidator validator, IMessage request)
    {
        var context = (IValidationContext)Activator.CreateInstance(typeof(ValidationContext<>).MakeGenericType(request.GetType()), request)!;
        return [.. validator.Validate(context).Errors.Select(e => ValidationInterceptor.ProtoFieldPath(request.Descriptor, e.PropertyName))];
    }

    private static string Show(object value) => value is string text ? $"{text.Length} characters" : value.ToString() ?? "";

    private sealed class ValueComparer : IEqualityComparer<object>
    {
        public static readonly ValueComparer Instance = new();

        public new bool Equals(object? x, object? y) => Show(x ?? "") == Show(y ?? "") && x?.GetType() == y?.GetType();

        public int GetHashCode(object value) => Show(value).GetHashCode(StringComparison.Ordinal);
    }
}
