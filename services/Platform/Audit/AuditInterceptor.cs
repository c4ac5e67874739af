using System.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Errors;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>The audit rule of one RPC: its attribute and the service database its records go to.</summary>
/// <param name="Audited">The attribute, or null for an RPC declared <see cref="NotAuditedAttribute"/>.</param>
/// <param name="ContextType">The service's DbContext type, whose trail holds the records; null for the platform's own RPCs, which are never audited.</param>
public sealed record AuditRule(AuditedAttribute? Audited, Type? ContextType)
{
    /// <summary>The service's <see cref="AuditTrail{TContext}"/> type.</summary>
    public Type? TrailType { get; } = ContextType is null ? null : typeof(AuditTrail<>).MakeGenericType(ContextType);
}

/// <summary>The audit rule of every RPC this process serves, keyed by gRPC method path.</summary>
public sealed class AuditRegistry
{
    private readonly Dictionary<string, AuditRule> _rules = new(StringComparer.Ordinal);

    /// <summary>The rule of <paramref name="method"/> (e.g. "/referralnet.v1.OrganizationsService/GetMember"), if it is ours.</summary>
    public AuditRule? For(string method) => _rules.GetValueOrDefault(method);

    /// <summary>
    /// Reads the audit attributes of every RPC of <typeparamref name="TEndpoint"/>; throws when one has none,
    /// so an unaudited RPC cannot ship.
    /// </summary>
    public void Add<TEndpoint, TContext>()
        where TContext : ServiceDbContext =>
        Add(typeof(TEndpoint), typeof(TContext));

    /// <summary>Reads the attributes of a platform endpoint, which has no trail of its own: every RPC must be [NotAudited].</summary>
    public void AddUnaudited<TEndpoint>() => Add(typeof(TEndpoint), contextType: null);

    private void Add(Type endpoint, Type? contextType)
    {
        var descriptor = (Google.Protobuf.Reflection.ServiceDescriptor?)endpoint.BaseType?.DeclaringType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{endpoint.Name} does not derive from a generated service base.");
        foreach (var method in descriptor.Methods)
        {
            var implementation = endpoint.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance);
            var audited = implementation?.GetCustomAttribute<AuditedAttribute>();
            var notAudited = implementation?.GetCustomAttribute<NotAuditedAttribute>();
            if (implementation?.DeclaringType != endpoint || (audited is null) == (notAudited is null) || (audited is not null && contextType is null))
            {
                throw new InvalidOperationException(contextType is null
                    ? $"{descriptor.FullName}/{method.Name} must be implemented by {endpoint.Name} with [NotAudited]: a platform endpoint has no trail."
                    : $"{descriptor.FullName}/{method.Name} must be implemented by {endpoint.Name} with exactly one of [Audited] or [NotAudited].");
            }

            _rules[$"/{descriptor.FullName}/{method.Name}"] = new AuditRule(audited, contextType);
        }
    }
}

/// <summary>
/// Makes sure every audited call leaves a durable record before it answers, success or failure. A change that commits
/// carries its record in its own transaction (<see cref="ServiceDbContext"/> adds it); everything else (reads, refused
/// or failed calls, retries answered from the idempotency store) is written through the service's group-commit trail,
/// and when that record cannot be written the call fails instead of answering. A server stream is recorded when it
/// opens, before its first message, and for every message it delivers.
/// </summary>
public sealed class AuditInterceptor(AuditRegistry registry, SecretKeys keys, TimeProvider time, IOptions<AuthOptions> auth) : Interceptor
{
    /// <summary>The outcome recorded when a server stream opens.</summary>
    public const string StreamOpened = "STREAM_OPENED";

    /// <summary>The outcome recorded for each message a server stream delivers.</summary>
    public const string Delivered = "DELIVERED";

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (Begin(context) is not { } call)
        {
            return await continuation(request, context);
        }

        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception ex)
        {
            await call.RecordAsync(ErrorMapping.ToStatus(ex).StatusCode.ToString());
            throw;
        }

        if (!call.Audit.ChangeRecorded)
        {
            await call.RecordAsync(nameof(StatusCode.OK));
        }

        return response;
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (Begin(context) is not { } call)
        {
            await continuation(request, responseStream, context);
            return;
        }

        await call.RecordAsync(StreamOpened);
        try
        {
            await continuation(request, new RecordingStreamWriter<TResponse>(responseStream, call), context);
        }
        catch (Exception ex)
        {
            await call.RecordAsync(ErrorMapping.ToStatus(ex).StatusCode.ToString());
            throw;
        }

        await call.RecordAsync(nameof(StatusCode.OK));
    }

    private RecordedCall? Begin(ServerCallContext context)
    {
        if (registry.For(context.Method) is not { Audited: not null } rule)
        {
            return null;
        }

        var http = context.GetHttpContext();
        var audit = new AuditCall(
            rule, Actor.Of(http.User, auth.Value), context.Method, http.RequestServices.GetRequiredService<AuditScope>(), keys.Ring(SecretKeys.AuditTrail), time);
        AuditCall.Enter(audit);
        return new RecordedCall(audit, (IAuditTrail)http.RequestServices.GetRequiredService(rule.TrailType!));
    }

    private sealed record RecordedCall(AuditCall Audit, IAuditTrail Trail)
    {
        public Task RecordAsync(string outcome) => Task.WhenAll(Audit.Entries(outcome).Select(Trail.AppendAsync));
    }

    // Records each message before it leaves, so no personal data reaches a client without its record.
    private sealed class RecordingStreamWriter<T>(IServerStreamWriter<T> inner, RecordedCall call) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (!call.Audit.Scope.TakeImpersonal())
            {
                await call.RecordAsync(Delivered);
                call.Audit.Scope.ForgetPeople();
            }

            await inner.WriteAsync(message, cancellationToken);
        }
    }
}
