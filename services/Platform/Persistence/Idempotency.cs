using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Platform.Persistence;

/// <summary>Runs client-retryable creates once per client request id (AIP-155).</summary>
public static class Idempotency
{
    /// <summary>
    /// Returns the stored response when <paramref name="requestId"/> was seen before for this method and organization;
    /// otherwise runs <paramref name="create"/> (which checks and adds entities to the context, without saving) and commits its changes together
    /// with the response. A concurrent duplicate loses on the primary key and gets the winner's response.
    /// </summary>
    public static async Task<TResponse> CreateOnceAsync<TResponse>(
        this ServiceDbContext db,
        ServerCallContext context,
        Caller caller,
        string requestId,
        DateTimeOffset now,
        Func<Task<TResponse>> create)
        where TResponse : class, IMessage<TResponse>, new()
    {
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrEmpty(requestId))
        {
            var response = await create();
            await db.SaveChangesAsync(cancellationToken);
            return response;
        }

        var key = (context.Method, caller.OrganizationId, requestId);

        // This read spares a retry the work and any rule the first call changed (a now-taken e-mail); the primary key
        // on the stored response is what guarantees a single create when retries race.
        if (await FindAsync<TResponse>(db, key, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var created = await create();
        db.ProcessedRequests.Add(new ProcessedRequest
        {
            Method = key.Method,
            OrganizationId = key.OrganizationId,
            RequestId = key.requestId,
            Response = created.ToByteArray(),
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return created;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await FindAsync<TResponse>(db, key, cancellationToken) is { } winner)
            {
                return winner;
            }

            throw;
        }
    }

    private static async Task<TResponse?> FindAsync<TResponse>(
        ServiceDbContext db, (string Method, string OrganizationId, string RequestId) key, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>, new()
    {
        var stored = await db.ProcessedRequests.AsNoTracking()
            .Where(r => r.Method == key.Method && r.OrganizationId == key.OrganizationId && r.RequestId == key.RequestId)
            .Select(r => r.Response)
            .FirstOrDefaultAsync(cancellationToken);
        return stored is null ? null : new MessageParser<TResponse>(() => new TResponse()).ParseFrom(stored);
    }
}
