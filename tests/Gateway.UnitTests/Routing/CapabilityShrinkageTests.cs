using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

public sealed class CapabilityShrinkageTests
{
    [Fact]
    public void Shrink_HandComputedTask_PosteriorMeanBetweenMeasuredAndReferenceMean()
    {
        // References 0.2, 0.4, 0.6: mean 0.4, between-model variance 0.04, binomial noise of 20 items
        // mean(p(1 − p)) / 20 = (0.16 + 0.24 + 0.24) / 3 / 20. Measured 1.0 →
        // (0.04 · 1.0 + noise · 0.4) / (0.04 + noise).
        float[][] references = [[0.2f], [0.4f], [0.6f]];
        var noise = (0.16 + 0.24 + 0.24) / 3 / 20;
        var expected = ((0.04 * 1.0) + (noise * 0.4)) / (0.04 + noise);

        var shrunk = CapabilityShrinkage.Shrink([1f], references, 20);

        Assert.Equal(expected, shrunk[0], 5);
        Assert.InRange(shrunk[0], 0.87, 0.88);
    }

    [Fact]
    public void Shrink_TaskWhereModelsDoNotDiffer_TakesTheirAccuracy()
    {
        float[][] references = [[0.5f, 0.1f], [0.5f, 0.5f], [0.5f, 0.9f]];

        var shrunk = CapabilityShrinkage.Shrink([0.9f, 0.9f], references, 20);

        Assert.Equal(0.5f, shrunk[0], 5);
        Assert.InRange(shrunk[1], 0.8f, 0.9f);
    }

    [Fact]
    public void Shrink_MoreItems_ShrinksLess()
    {
        float[][] references = [[0.2f], [0.4f], [0.6f], [0.5f]];

        var few = CapabilityShrinkage.Shrink([0.9f], references, 5)[0];
        var many = CapabilityShrinkage.Shrink([0.9f], references, 500)[0];

        Assert.True(few < many, $"5 items gave {few}, 500 gave {many}.");
        Assert.InRange(many, 0.88f, 0.9f);
    }

    [Fact]
    public void Shrink_FewerThanThreeReferences_ReturnsTheMeasuredVector()
    {
        var shrunk = CapabilityShrinkage.Shrink([0.9f], [[0.1f], [0.3f]], 20);

        Assert.Equal([0.9f], shrunk);
    }
}
