using Gateway.Routing;
using Gateway.Routing.Costs;

namespace Gateway.UnitTests.Routing.Costs;

public sealed class CallPricingTests
{
    private static readonly CallCostFit Learned = new(PerCallUsd: 1e-4, PerPromptTokenUsd: 1e-6, Calls: 10);

    [Fact]
    public void Of_CatalogPrice_WinsOverLearnedCost()
    {
        var (cost, price) = CallPricing.Of(new CandidateDescriptor("m", PricePerMTokInput: 2, PricePerMTokOutput: 6), Learned, 1000, 500);

        // 2 $/Mtok · 1000 prompt tokens + 6 $/Mtok · 500 output tokens.
        Assert.Equal((2.0 * 1000 + 6.0 * 500) / 1e6, cost, 12);
        Assert.Equal(6, price);
    }

    [Fact]
    public void Of_UnpricedCandidateWithLearnedCost_UsesItForThisPromptsLength()
    {
        var (cost, price) = CallPricing.Of(new CandidateDescriptor("m"), Learned, 1000, 500);

        // 1e-4 + 1e-6 · 1000 = 1.1e-3 $ for the call, spread over 1500 tokens: 1.1e-3 · 1e6 / 1500 $/Mtok.
        Assert.Equal(1.1e-3, cost, 12);
        Assert.Equal(1.1e-3 * 1e6 / 1500, price, 9);
    }

    [Fact]
    public void Of_UnpricedCandidateWithoutLearnedCost_IsFree() =>
        Assert.Equal((0.0, 0.0), CallPricing.Of(new CandidateDescriptor("m"), null, 1000, 500));
}
