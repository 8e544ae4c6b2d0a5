using Gateway.Routing.Costs;

namespace Gateway.UnitTests.Routing.Costs;

public sealed class CallCostFitTests
{
    [Fact]
    public void Fit_CostsLinearInPromptTokens_RecoversBothParts()
    {
        // cost = 2e-5 + 3e-7 · tokens, exactly.
        var fit = CallCostFit.Fit([(10, 2e-5 + 3e-6), (100, 2e-5 + 3e-5), (1000, 2e-5 + 3e-4)]);

        Assert.Equal(2e-5, fit.PerCallUsd, 12);
        Assert.Equal(3e-7, fit.PerPromptTokenUsd, 14);
        Assert.Equal(3, fit.Calls);
        Assert.Equal(2e-5 + 3e-5, fit.Predict(100), 12);
    }

    [Fact]
    public void Fit_CostsFallingWithLength_PredictsTheMeanCost()
    {
        var fit = CallCostFit.Fit([(10, 3e-5), (100, 2e-5), (1000, 1e-5)]);

        Assert.Equal(0, fit.PerPromptTokenUsd);
        Assert.Equal(2e-5, fit.PerCallUsd, 12);
    }

    [Fact]
    public void Fit_LineCrossingZero_GoesThroughTheOrigin()
    {
        // Least squares would give a negative intercept; through the origin: Σtc / Σt² = (10·0 + 100·1e-4) / (100 + 10000).
        var fit = CallCostFit.Fit([(10, 0), (100, 1e-4)]);

        Assert.Equal(0, fit.PerCallUsd);
        Assert.Equal(1e-2 / 10_100, fit.PerPromptTokenUsd, 15);
    }

    [Fact]
    public void Fit_OneCall_PredictsItsCost() =>
        Assert.Equal(5e-6, CallCostFit.Fit([(42, 5e-6)]).Predict(1000), 15);

    [Fact]
    public void FitModel_RecordedCosts_OneFitPerCostedModel()
    {
        var data = CostedRoutingData.Create();

        var fits = CallCostModel.Fit(data.Split("train"), [CostedRoutingData.Cheap, CostedRoutingData.Expensive, "never-costed"]);

        Assert.Equal([CostedRoutingData.Cheap, CostedRoutingData.Expensive], fits.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(CostedRoutingData.ExpensivePerToken, fits[CostedRoutingData.Expensive].PerPromptTokenUsd, 12);
        Assert.Equal(CostedRoutingData.ExpensivePerCall, fits[CostedRoutingData.Expensive].PerCallUsd, 10);
    }
}
