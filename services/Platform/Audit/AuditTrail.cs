using System.Threading.Channels;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>The audit trail could not be written, so the call must not answer with data.</summary>
public sealed class AuditUnavailableException(Exception inner)
    : Exception("The audit trail is unavailable; the call was not answered.", inner);

/// <summary>Appends audit records to one service's database.</summary>
public interface IAuditTrail
{
    /// <summary>Completes once the record is durable; throws <see cref="AuditUnavailableException"/> when it cannot be.</summary>
    Task AppendAsync(AuditEntry entry);
}

/// <summary>
/// Group commit: the records of concurrent calls share one transaction, so the audit costs one fsync per batch
/// rather than per read, and each caller still waits until its own record is durable. The chain is extended
/// under the database's lock on its head (<see cref="AuditChain"/>), so several processes on one database keep one chain.
/// </summary>
public sealed class AuditTrail<TContext>(IServiceProvider services, SecretKeys keys, ILogger<AuditTrail<TContext>> logger)
    : BackgroundService, IAuditTrail
    where TContext : ServiceDbContext
{
    private const int MaxBatch = 512;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <inheritdoc />
    public Task AppendAsync(AuditEntry entry)
    {
        var pending = new Pending(entry);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new AuditUnavailableException(new InvalidOperationException("The audit writer has stopped."));
        }

        return pending.Durable.Task;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Stopping: write what is queued so no answered call loses its record.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AppendBatchAsync(batch);
                foreach (var pending in batch)
                {
                    pending.Durable.TrySetResult();
                }

                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                logger.LogWarning(ex, "Audit batch of {Count} records failed, attempt {Attempt}", batch.Count, attempt);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Audit batch of {Count} records could not be written", batch.Count);
                foreach (var pending in batch)
                {
                    pending.Durable.TrySetException(new AuditUnavailableException(ex));
                }

                return;
            }
        }
    }

    private async Task AppendBatchAsync(List<Pending> batch)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.BeginWriteAsync(CancellationToken.None);
        await AuditChain.AppendAsync(db, batch.ConvertAll(pending => pending.Entry), keys.Ring(SecretKeys.AuditTrail), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    private sealed record Pending(AuditEntry Entry)
    {
        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
