using FluentValidation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// The process's clock, which an operator may move forward outside Production (demos, end-to-end tests from outside,
/// simulations): the wrapped clock plus an offset. Only the wall-clock time moves; timers and elapsed-time measurements
/// keep running on the wrapped clock, so a job notices the new time at its next tick.
/// </summary>
public sealed class OperatorClock(TimeProvider inner) : TimeProvider
{
    /// <summary>The configuration key that serves the clock service (refused in Production).</summary>
    public const string EnabledKey = "ReferralNet:OperatorClock:Enabled";

    /// <summary>The longest move of one call.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(400);

    private long _offsetTicks;

    /// <summary>How far the clock runs ahead of the wrapped one.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <inheritdoc />
    public override long TimestampFrequency => inner.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() => inner.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>
    /// Serves the operator clock when <see cref="EnabledKey"/> is set: the process's TimeProvider (whatever was registered,
    /// a test's fake clock too) is wrapped. Start-up fails in Production, as with the development issuer.
    /// </summary>
    /// <returns>True when the clock is served.</returns>
    public static bool AddTo(WebApplicationBuilder builder, AuditRegistry audit)
    {
        if (!builder.Configuration.GetValue<bool>(EnabledKey))
        {
            return false;
        }

        if (builder.Environment.IsProduction())
        {
            throw new InvalidOperationException($"{EnabledKey} must not be set in the Production environment: nobody moves production's time.");
        }

        var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider));
        var wrapped = registered?.ImplementationInstance as TimeProvider ?? System;
        builder.Services.AddSingleton(new OperatorClock(wrapped));
        builder.Services.AddSingleton(new TokenClock(wrapped));
        builder.Services.AddSingleton<TimeProvider>(services => services.GetRequiredService<OperatorClock>());
        audit.AddUnaudited<OperatorClockEndpoint>();
        return true;
    }
}

/// <summary>The operator clock's RPCs: network administrators only, every move logged as a warning.</summary>
public sealed class OperatorClockEndpoint(OperatorClock clock, ILogger<OperatorClockEndpoint> logger) : Proto.OperatorClockService.OperatorClockServiceBase
{
    /// <inheritdoc />
    [NotAudited("development shape only: reads and moves the server's time, no personal data; every move is logged")]
    public override Task<Proto.GetClockResponse> GetClock(Proto.GetClockRequest request, ServerCallContext context)
    {
        Caller.Of(context).RequireRole(MemberRole.NetworkAdmin);
        return Task.FromResult(new Proto.GetClockResponse { Now = clock.GetUtcNow().ToProtoTimestamp(), Offset = Duration.FromTimeSpan(clock.Offset) });
    }

    /// <inheritdoc />
    [NotAudited("development shape only: reads and moves the server's time, no personal data; every move is logged")]
    public override Task<Proto.AdvanceClockResponse> AdvanceClock(Proto.AdvanceClockRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(MemberRole.NetworkAdmin);
        clock.Advance(request.By.ToTimeSpan());
        logger.LogWarning("Member {MemberId} moved the server's clock forward by {By}; it now runs {Offset} ahead", caller.MemberId, request.By.ToTimeSpan(), clock.Offset);
        return Task.FromResult(new Proto.AdvanceClockResponse { Now = clock.GetUtcNow().ToProtoTimestamp(), Offset = Duration.FromTimeSpan(clock.Offset) });
    }
}

internal sealed class AdvanceClockRequestValidator : RequestValidator<Proto.AdvanceClockRequest>
{
    public AdvanceClockRequestValidator() =>
        RuleFor(r => r.By).NotNull().WithMessage("is required")
            .Must(by => ProtoValues.IsValid(by) && by.ToTimeSpan() > TimeSpan.Zero && by.ToTimeSpan() <= OperatorClock.MaxStep)
            .WithMessage("must be more than zero and at most 400 days");
}
