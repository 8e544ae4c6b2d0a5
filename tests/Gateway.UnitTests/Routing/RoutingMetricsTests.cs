using Gateway.Routing.Evaluation;

namespace Gateway.UnitTests.Routing;

public sealed class RoutingMetricsTests
{
    private static readonly double[][] Scores =
    [
        [1.0, 0.0, 1.0],
        [0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0],
    ];

    [Fact]
    public void RoutedQuality_ChosenModels_MeanOfTheirScores()
    {
        Assert.Equal((1.0 + 0.5 + 0.0) / 3, RoutingMetrics.RoutedQuality(Scores, [0, 1, 2]), 9);
        Assert.Equal(0.0, RoutingMetrics.RoutedQuality(Scores, [1, 0, 0]), 9);
    }

    [Fact]
    public void SelectionAccuracy_TiedBestModels_CountAsCorrect()
    {
        // Prompt 0: models 0 and 2 tie; prompt 2: every model ties at 0.
        Assert.Equal(1.0, RoutingMetrics.SelectionAccuracy(Scores, [2, 1, 0]), 9);
        Assert.Equal(1.0 / 3, RoutingMetrics.SelectionAccuracy(Scores, [1, 2, 1]), 9);
    }

    [Fact]
    public void OracleChoice_TiedBestModels_PicksTheCheapest()
    {
        Assert.Equal(2, RoutingMetrics.OracleChoice([1.0, 0.0, 1.0], [0.9, 0.1, 0.2]));
        Assert.Equal(1, RoutingMetrics.OracleChoice([0.0, 0.0, 0.0], [0.9, 0.1, 0.2]));
        Assert.Equal(1, RoutingMetrics.OracleChoice([0.2, 0.5, 0.4], [0.1, 0.9, 0.1]));
    }

    [Fact]
    public void Aiq_ExpensivePointIsWorse_HullStaysFlat()
    {
        // Lifted: (0,.5) (1,.7) (2,.7); area .6 + .7 = 1.3 over a range of 2.
        Assert.Equal(0.65, RoutingMetrics.Aiq([(0, 0.5), (1, 0.7), (2, 0.6)]), 9);
    }

    [Fact]
    public void Aiq_PointBelowTheChord_IsBridgedByTheConvexHull()
    {
        // (1, .55) lies below the chord from (0,.5) to (2,.8), whose midpoint is .65.
        Assert.Equal(0.65, RoutingMetrics.Aiq([(0, 0.5), (1, 0.55), (2, 0.8)]), 9);
    }

    [Fact]
    public void Aiq_ConcavePoints_AreaUnderThePolyline()
    {
        // (0,0) (1,.8) (3,1): area .4 + 1.8 = 2.2 over a range of 3.
        Assert.Equal(2.2 / 3, RoutingMetrics.Aiq([(3, 1.0), (0, 0.0), (1, 0.8)]), 9);
    }

    [Fact]
    public void Aiq_SingleCost_BestQuality()
    {
        Assert.Equal(0.7, RoutingMetrics.Aiq([(1, 0.6), (1, 0.7)]), 9);
    }
}
