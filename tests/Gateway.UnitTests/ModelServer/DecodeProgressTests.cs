using Gateway.ModelServer.Engine;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.ModelServer;

public sealed class DecodeProgressTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void IsStalled_WorkWaitsAndNoBeatForLongerThanTheTimeout_True()
    {
        var progress = new DecodeProgress(_time);
        progress.Busy();

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.True(progress.IsStalled(workWaiting: true, Timeout));
        Assert.Equal(TimeSpan.FromSeconds(31), progress.SinceLastBeat);
    }

    [Fact]
    public void IsStalled_NothingWaits_FalseHoweverLongTheLoopSleeps()
    {
        var progress = new DecodeProgress(_time);
        progress.Idle();

        _time.Advance(TimeSpan.FromHours(1));

        Assert.False(progress.IsStalled(workWaiting: false, Timeout));
    }

    [Fact]
    public void WorkArrived_AfterALongIdle_StartsTheClockAfresh()
    {
        var progress = new DecodeProgress(_time);
        progress.Idle();
        _time.Advance(TimeSpan.FromHours(1));

        progress.WorkArrived();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(progress.IsStalled(workWaiting: true, Timeout));
    }

    [Fact]
    public void WorkArrived_WhileABusyLoopIsStuck_DoesNotHideTheStall()
    {
        var progress = new DecodeProgress(_time);
        progress.Busy();
        _time.Advance(TimeSpan.FromSeconds(20));

        progress.WorkArrived();
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.True(progress.IsStalled(workWaiting: true, Timeout));
    }

    [Fact]
    public void Beat_AfterEachStep_KeepsABusyLoopFromStalling()
    {
        var progress = new DecodeProgress(_time);
        progress.Busy();

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            progress.Beat();
        }

        Assert.False(progress.IsStalled(workWaiting: true, Timeout));
    }
}
