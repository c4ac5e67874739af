using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>Configuration section <c>ReferralNet:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Audit";

    /// <summary>How often each service's trail gets a signed checkpoint (when it grew); also taken at shutdown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many calls refused at the door a process records per minute; the rest are counted in one summary record.</summary>
    public int RefusalsPerMinute { get; set; } = 120;
}

/// <summary>
/// Takes a signed checkpoint of one service's trail at every interval in which it grew, stores it and logs it, so that
/// deleting the newest records is detectable against the last checkpoint. Replicas may each take one; the chain's lock
/// orders them and a checkpoint of a head that already has one is skipped.
/// </summary>
public sealed class AuditCheckpointer<TContext>(
    string service,
    IServiceProvider services,
    SecretKeys keys,
    TimeProvider time,
    IOptions<AuditOptions> options,
    ILogger<AuditCheckpointer<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    /// <summary>Checkpoints the current head unless it has one already; returns the new checkpoint, or null.</summary>
    public async Task<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await AuditChain.LockHeadAsync(db.Database, cancellationToken);
        var head = await AuditChain.HeadAsync(db, cancellationToken);
        if (head.Sequence == 0 || await db.AuditCheckpoints.AnyAsync(c => c.Sequence >= head.Sequence, cancellationToken))
        {
            return null;
        }

        var checkpoint = AuditCheckpoint.Sign(head, time.GetUtcNow(), keys.Ring(SecretKeys.AuditTrail));
        db.AuditCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // The log keeps a copy outside the database: verify-audit --checkpoint <token> checks the trail against it.
        logger.LogInformation("Audit checkpoint of {Service} at record {Sequence}: {Checkpoint}", service, checkpoint.Sequence, checkpoint.ToToken());
        return checkpoint;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryCheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Registered before the group-commit writer, this stops after it has flushed: the last records get a checkpoint too.
        await TryCheckpointAsync(cancellationToken);
    }

    private async Task TryCheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckpointAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Audit checkpoint of {Service} failed; trying again at the next interval", service);
        }
    }
}
