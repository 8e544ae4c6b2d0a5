using Gateway.Host.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Metrics;

public sealed class ModelTrafficTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Rate_RequestsWithinTheMinute_AreSummedPerModel()
    {
        var traffic = new ModelTraffic(_time);
        traffic.Record("a", 200, 10);
        _time.Advance(TimeSpan.FromSeconds(30));
        traffic.Record("a", 502, 0);
        traffic.Record("b", 200, 7);

        Assert.Equal(new TrafficRate(2, 1, 10), traffic.Rate("a"));
        Assert.Equal(new TrafficRate(1, 0, 7), traffic.Rate("b"));
        Assert.Equal(default, traffic.Rate("unknown"));
    }

    [Fact]
    public void Rate_RequestsOlderThanAMinute_AreDropped()
    {
        var traffic = new ModelTraffic(_time);
        traffic.Record("a", 200, 10);
        _time.Advance(TimeSpan.FromSeconds(45));
        traffic.Record("a", 200, 5);

        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(new TrafficRate(1, 0, 5), traffic.Rate("a"));
    }

    [Fact]
    public void Record_SameSlotAMinuteLater_StartsTheBucketAfresh()
    {
        var traffic = new ModelTraffic(_time);
        traffic.Record("a", 200, 10);
        _time.Advance(TimeSpan.FromSeconds(ModelTraffic.WindowSeconds));

        traffic.Record("a", 200, 3);

        Assert.Equal(new TrafficRate(1, 0, 3), traffic.Rate("a"));
    }
}
