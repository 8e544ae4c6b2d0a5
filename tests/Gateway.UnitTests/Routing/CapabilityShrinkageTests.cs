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

    [Fact]
    public void Shrink_ModelThatMeasuresLikeOneReference_IsPulledTowardsThatReferenceNotTheMean()
    {
        // The new model matches B on four tasks; on the fifth its measurement on 5 items (0.5) is pulled towards B's
        // 0.8, where shrinking towards the mean of A, B and C (0.5) would leave it at 0.5.
        float[][] references = [[0.9f, 0.9f, 0.1f, 0.1f, 0.2f], [0.1f, 0.1f, 0.9f, 0.9f, 0.8f], [0.5f, 0.5f, 0.5f, 0.5f, 0.5f]];

        var prior = CapabilityShrinkage.Blend([0.1f, 0.1f, 0.9f, 0.9f, 0.5f], references);
        var shrunk = CapabilityShrinkage.Shrink([0.1f, 0.1f, 0.9f, 0.9f, 0.5f], references, 5);

        Assert.InRange(prior[4], 0.7, 0.801);
        Assert.InRange(shrunk[4], 0.55f, 0.8f);
        Assert.InRange(shrunk[0], 0.09f, 0.15f);
    }

    [Fact]
    public void Blend_MeasuredVectorInsideTheReferences_IsReproducedWithWeightsThatSumToOne()
    {
        float[][] references = [[1f, 0f, 0f, 0.5f], [0f, 1f, 0f, 0.5f], [0f, 0f, 1f, 0.5f]];

        var blend = CapabilityShrinkage.Blend([0.2f, 0.3f, 0.5f, 0.5f], references);

        Assert.Equal([0.2, 0.3, 0.5, 0.5], blend.Select(b => Math.Round(b, 3)));
    }
}
