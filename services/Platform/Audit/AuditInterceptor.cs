using System.Diagnostics;
using System.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Errors;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Audit;

/// <summary>The audit rule of one RPC: its attribute and the trail of the service's database.</summary>
/// <param name="Audited">The attribute, or null for an RPC declared <see cref="NotAuditedAttribute"/>.</param>
/// <param name="TrailType">The service's <see cref="AuditTrail{TContext}"/> type.</param>
public sealed record AuditRule(AuditedAttribute? Audited, Type TrailType);

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
        where TContext : ServiceDbContext
    {
        var generatedBase = typeof(TEndpoint).BaseType
            ?? throw new InvalidOperationException($"{typeof(TEndpoint).Name} does not derive from a generated service base.");
        var descriptor = (Google.Protobuf.Reflection.ServiceDescriptor?)generatedBase.DeclaringType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{typeof(TEndpoint).Name} does not derive from a generated service base.");
        foreach (var method in descriptor.Methods)
        {
            var implementation = typeof(TEndpoint).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance);
            var audited = implementation?.GetCustomAttribute<AuditedAttribute>();
            var notAudited = implementation?.GetCustomAttribute<NotAuditedAttribute>();
            if (implementation?.DeclaringType != typeof(TEndpoint) || (audited is null) == (notAudited is null))
            {
                throw new InvalidOperationException(
                    $"{descriptor.FullName}/{method.Name} must be implemented by {typeof(TEndpoint).Name} with exactly one of [Audited] or [NotAudited].");
            }

            _rules[$"/{descriptor.FullName}/{method.Name}"] = new AuditRule(audited, typeof(AuditTrail<TContext>));
        }
    }
}

/// <summary>
/// Writes the audit record of every audited call after the endpoint ran and before the answer leaves,
/// with the outcome; when the record cannot be written the call fails instead of answering.
/// </summary>
public sealed class AuditInterceptor(AuditRegistry registry, TimeProvider time, IOptions<AuthOptions> auth) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (registry.For(context.Method) is not { Audited: not null } rule)
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
            await RecordAsync(rule, context, ErrorMapping.ToStatus(ex).StatusCode);
            throw;
        }

        await RecordAsync(rule, context, StatusCode.OK);
        return response;
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (registry.For(context.Method) is not { Audited: not null } rule)
        {
            await continuation(request, responseStream, context);
            return;
        }

        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex)
        {
            await RecordAsync(rule, context, ErrorMapping.ToStatus(ex).StatusCode);
            throw;
        }

        await RecordAsync(rule, context, StatusCode.OK);
    }

    private async Task RecordAsync(AuditRule rule, ServerCallContext context, StatusCode outcome)
    {
        var http = context.GetHttpContext();
        var actor = Actor.Of(http.User, auth.Value);
        var scope = http.RequestServices.GetRequiredService<AuditScope>();
        var trail = (IAuditTrail)http.RequestServices.GetRequiredService(rule.TrailType);
        var audited = rule.Audited!;
        await trail.AppendAsync(new AuditEntry(
            time.GetUtcNow(),
            actor.Id,
            actor.OrganizationId,
            actor.Role,
            context.Method,
            audited.Kind,
            audited.SubjectType,
            scope.SubjectId,
            scope.ServiceUserId,
            audited.Purpose,
            // Every access so far rests on the caller's role; consent and break-the-glass arrive with the cases service.
            "role",
            outcome.ToString(),
            Activity.Current?.TraceId.ToHexString()));
    }
}
