using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Persistence;

/// <summary>Runs client-retryable creates once per client request id (AIP-155).</summary>
public static class Idempotency
{
    /// <summary>
    /// Runs <paramref name="create"/> (which checks and adds entities to the context, without saving) and commits its changes
    /// together with the response under the key (method, organization, request id) and a fingerprint of the request.
    /// The endpoint authorizes before it calls this, so a retry is authorized like a first call. Nothing is read first: when
    /// the create fails (a lost race on the key, or a rule the first call changed, such as a now-taken e-mail) the stored
    /// answer of an earlier call with this id is returned if there is one. The same id with another request is
    /// INVALID_ARGUMENT on request_id. The audit record names <paramref name="subjectOf"/> of the answer, first or stored.
    /// </summary>
    public static async Task<TResponse> CreateOnceAsync<TRequest, TResponse>(
        this ServiceDbContext db,
        ServerCallContext context,
        Caller caller,
        TRequest request,
        string requestId,
        DateTimeOffset now,
        Func<Task<TResponse>> create,
        Func<TResponse, string> subjectOf,
        Func<TResponse, string?>? serviceUserOf = null)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrEmpty(requestId))
        {
            var response = await create();
            AuditCall.Current?.Scope.Subject(subjectOf(response), serviceUserOf?.Invoke(response));
            await db.SaveChangesAsync(cancellationToken);
            return response;
        }

        var key = new RequestKey(context.Method, caller.OrganizationId, requestId, Fingerprint(request));
        try
        {
            var created = await create();
            AuditCall.Current?.Scope.Subject(subjectOf(created), serviceUserOf?.Invoke(created));
            var processed = new ProcessedRequest
            {
                Method = key.Method,
                OrganizationId = key.OrganizationId,
                RequestId = key.RequestId,
                Fingerprint = key.Fingerprint,
                Response = created.ToByteArray(),
                CreatedAt = now,
            };

            // The key first: a replay that lost the race on it fails before the change is saved. Either failing leaves
            // nothing of this create in the write.
            await db.SaveAsUnitAsync(async () =>
            {
                await db.InsertProcessedRequestAsync(processed, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }, cancellationToken);
            return created;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            db.DiscardChanges();
            if (await EarlierAnswerDurablyAsync<TResponse>(db, key, cancellationToken) is { } earlier)
            {
                AuditCall.Current?.Scope.Subject(subjectOf(earlier), serviceUserOf?.Invoke(earlier));
                return earlier;
            }

            throw;
        }
    }

    /// <summary>SHA-256 of the request without its request id: what makes a retry the same request.</summary>
    public static byte[] Fingerprint<TRequest>(TRequest request)
        where TRequest : IMessage<TRequest>
    {
        var copy = request.Clone();
        copy.Descriptor.FindFieldByName("request_id")?.Accessor.Clear(copy);
        return SHA256.HashData(copy.ToByteArray());
    }

    // On SQLite the earlier call may sit in the batch this create failed against, kept but not yet committed: its answer is
    // read in a write, which sees the batch, and given only once that write (and so the batch) is durable. Inside an open
    // write the endpoint's own commit waits for that.
    private static async Task<TResponse?> EarlierAnswerDurablyAsync<TResponse>(ServiceDbContext db, RequestKey key, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (db.InWrite)
        {
            return await EarlierAnswerAsync<TResponse>(db, key, cancellationToken);
        }

        await using var write = await db.BeginWriteAsync(cancellationToken);
        var earlier = await EarlierAnswerAsync<TResponse>(db, key, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return earlier;
    }

    private static async Task<TResponse?> EarlierAnswerAsync<TResponse>(ServiceDbContext db, RequestKey key, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>, new()
    {
        var stored = await db.ProcessedRequests.AsNoTracking()
            .Where(r => r.Method == key.Method && r.OrganizationId == key.OrganizationId && r.RequestId == key.RequestId)
            .Select(r => new { r.Fingerprint, r.Response })
            .FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(stored.Fingerprint, key.Fingerprint))
        {
            throw InvalidRequestException.For("request_id", "request_id reused with a different request; use a new request_id for a new request", "REQUEST_ID_REUSED");
        }

        return new MessageParser<TResponse>(() => new TResponse()).ParseFrom(stored.Response);
    }

    private sealed record RequestKey(string Method, string OrganizationId, string RequestId, byte[] Fingerprint);
}
