using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

public sealed class WeightAverageTests
{
    [Fact]
    public void Update_WarmsUpThenFollowsTheDecay()
    {
        var weights = new[] { 0f, 10f };
        var average = new WeightAverage(0.5f, weights);

        // Step 1: decay min(0.5, 2/11) = 2/11 of the old average (the initial weights) and 9/11 of the new weights.
        weights[0] = 11f;
        average.Update();
        Assert.Equal(9f, average.Averages[0][0], 4);
        Assert.Equal(10f, average.Averages[0][1], 4);

        // Much later the decay is capped: half old, half new.
        for (var i = 0; i < 100; i++)
        {
            average.Update();
        }

        weights[0] = 0f;
        average.Update();
        Assert.Equal(5.5f, average.Averages[0][0], 3);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    public void Constructor_DecayOutsideOpenUnitInterval_Throws(float decay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(decay, new float[1]));
    }
}
