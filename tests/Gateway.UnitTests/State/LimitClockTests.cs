using Gateway.State.Limits;

namespace Gateway.UnitTests.State;

public sealed class LimitClockTests
{
    [Fact]
    public void At_MidMinute_ResetsAtTheNextCalendarMinute()
    {
        var clock = LimitClock.At(new DateTimeOffset(2026, 3, 2, 10, 7, 20, 500, TimeSpan.Zero), TimeSpan.FromDays(1));

        Assert.Equal(TimeSpan.FromMilliseconds(39_500), clock.MinuteResetIn);
        Assert.Equal(TimeSpan.FromHours(14) - TimeSpan.FromMinutes(7) - TimeSpan.FromMilliseconds(20_500), clock.PeriodResetIn);
    }

    [Fact]
    public void At_SamePeriodDifferentOffsets_AlignsToTheUnixEpoch()
    {
        var utc = LimitClock.At(new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero), TimeSpan.FromHours(6));
        var local = LimitClock.At(new DateTimeOffset(2026, 3, 3, 1, 30, 0, TimeSpan.FromHours(2)), TimeSpan.FromHours(6));

        Assert.Equal(utc, local);
        Assert.Equal(TimeSpan.FromMinutes(30), utc.PeriodResetIn);
    }
}
