using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Platform.Audit;

namespace ReferralNet.Platform.Tests;

public sealed class RefusalBudgetTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_minute_records_up_to_its_budget_and_the_next_minute_summarizes_the_rest_once()
    {
        var budget = new RefusalBudget(_clock, Options.Create(new AuditOptions { RefusalsPerMinute = 3 }));

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => budget.TryTake(out long _)));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(budget.TryTake(out _));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake(out var suppressed));
        Assert.Equal(3, suppressed);
        Assert.True(budget.TryTake(out suppressed));
        Assert.Equal(0, suppressed);
    }
}
