using Gateway.Routing.Evaluation;

namespace Gateway.UnitTests.Routing;

public sealed class TwoModelMetricsTests
{
    // Prompt 0: only the strong model is right; prompt 1: both are. Weak 0.5, strong 1.0.
    private static readonly double[] Weak = [0, 1];
    private static readonly double[] Strong = [1, 1];

    [Fact]
    public void Apgr_RouterSendsTheRightPromptFirst_HandComputedArea()
    {
        var curve = TwoModelMetrics.Curve([0.9, 0.1], Weak, Strong);

        // Curve (0,.5) (.5,1) (1,1): area .375 + .5 = .875; (.875 - .5) / (1 - .5) = .75.
        Assert.Equal([(0.0, 0.5), (0.5, 1.0), (1.0, 1.0)], curve);
        Assert.Equal(0.75, TwoModelMetrics.Apgr(curve, 0.5, 1.0), 9);
    }

    [Fact]
    public void Apgr_RouterSendsTheWrongPromptFirst_BelowRandom()
    {
        var curve = TwoModelMetrics.Curve([0.1, 0.9], Weak, Strong);

        // Curve (0,.5) (.5,.5) (1,1): area .25 + .375 = .625.
        Assert.Equal(0.25, TwoModelMetrics.Apgr(curve, 0.5, 1.0), 9);
    }

    [Fact]
    public void Apgr_AllPreferencesEqual_RandomIsOneHalf()
    {
        var curve = TwoModelMetrics.Curve([0.3, 0.3], Weak, Strong);

        Assert.Equal(2, curve.Length);
        Assert.Equal(0.5, TwoModelMetrics.Apgr(curve, 0.5, 1.0), 9);
    }

    [Fact]
    public void Cpt_HalfTheGap_InterpolatesTheStrongShare()
    {
        var curve = TwoModelMetrics.Curve([0.9, 0.1], Weak, Strong);

        // Target .75 is reached halfway between (0,.5) and (.5,1).
        Assert.Equal(0.25, TwoModelMetrics.Cpt(curve, 0.5, 1.0, 0.5), 9);
        Assert.Equal(0.5, TwoModelMetrics.Cpt(curve, 0.5, 1.0, 1.0), 9);
        Assert.Equal(0.0, TwoModelMetrics.Cpt(curve, 0.5, 1.0, 0.0), 9);
    }
}
