namespace ReferralNet.Platform.Identity;

/// <summary>
/// The clock tokens are issued and checked by, and streams recheck their callers by. It is the process's clock, except
/// where an operator moved the domain's clock (Development only): a week moved for a demo's deadlines must not expire
/// every token, nor make a freshly issued one look as if it came from the future.
/// </summary>
/// <param name="Time">The clock.</param>
public sealed record TokenClock(TimeProvider Time);
