using Gateway.Routing;
using Gateway.Routing.Decision;

namespace Gateway.UnitTests.Routing;

public sealed class ObjectiveTests
{
    private static readonly DateOnly Today = new(2026, 1, 1);

    private static readonly CandidateDescriptor Big = new("big", ParamsB: 70, PricePerMTokInput: 1.0, PricePerMTokOutput: 1.0, ReleaseDate: new DateOnly(2024, 1, 1), ExpectedLatencyMs: 900);
    private static readonly CandidateDescriptor Small = new("small", ParamsB: 7, PricePerMTokInput: 0.1, PricePerMTokOutput: 0.1, ReleaseDate: new DateOnly(2025, 12, 1), ExpectedLatencyMs: 100);

    [Fact]
    public void Rank_NoWeights_OrdersByPredictedQuality()
    {
        var ranked = Objective.Rank([(Small, 0.7), (Big, 0.8)], 1000, 0, CostWeights.None, Today);

        Assert.Equal(["big", "small"], ranked.Select(r => r.Name));
        Assert.Equal(0.8, ranked[0].Score, 9);
    }

    [Fact]
    public void Rank_CostWeight_SubtractsWeightedNormalisedCost()
    {
        var ranked = Objective.Rank([(Big, 0.8), (Small, 0.7)], 1000, 0, new CostWeights(Cost: 0.2), Today);

        // big: .8 - .2 * 1 = .6; small: .7 - .2 * 0 = .7.
        Assert.Equal(["small", "big"], ranked.Select(r => r.Name));
        Assert.Equal(0.7, ranked[0].Score, 9);
        Assert.Equal(0.6, ranked[1].Score, 9);
        Assert.Equal(1.0, ranked[1].Terms.Cost, 9);
        Assert.Equal(0.0, ranked[0].Terms.Cost, 9);
        Assert.Equal(1000 * 1.0 / 1e6, ranked[1].ExpectedCostUsd, 12);
    }

    [Fact]
    public void Rank_SizeLatencyAndAgeWeights_PenaliseEachTerm()
    {
        var terms = Objective.Rank([(Big, 0.8), (Small, 0.8)], 10, 0, CostWeights.None, Today).Single(r => r.Name == "big").Terms;
        Assert.Equal(new CostTerms(1, 1, 1, 1), terms);

        foreach (var weights in new[] { new CostWeights(Size: 0.1), new CostWeights(Latency: 0.1), new CostWeights(Age: 0.1) })
        {
            var ranked = Objective.Rank([(Big, 0.8), (Small, 0.75)], 10, 0, weights, Today);
            Assert.Equal("small", ranked[0].Name);
            Assert.Equal(0.7, ranked[1].Score, 9);
        }
    }

    [Fact]
    public void Rank_EqualScores_CheaperCallFirst()
    {
        var ranked = Objective.Rank([(Big, 0.5), (Small, 0.5)], 10, 0, CostWeights.None, Today);

        Assert.Equal("small", ranked[0].Name);
    }

    [Fact]
    public void Rank_UnknownAttributes_CountAsCheapest()
    {
        var unknown = new CandidateDescriptor("unknown");
        var ranked = Objective.Rank([(Big, 0.5), (unknown, 0.5)], 10, 0, new CostWeights(0, 1, 1, 1), Today);

        Assert.Equal("unknown", ranked[0].Name);
        Assert.Equal(new CostTerms(0, 0, 0, 0), ranked[0].Terms);
    }

    [Fact]
    public void ParetoFront_SweptCostWeight_ReturnsCheapestFirstNonDominatedPoints()
    {
        var artifact = RouterTestKit.Artifact(("big", 0.9f), ("mid", 0.6f), ("small", 0.5f), ("bad", 0.1f));
        var mid = new CandidateDescriptor("mid", PricePerMTokInput: 0.5, PricePerMTokOutput: 0.5);
        var bad = new CandidateDescriptor("bad", PricePerMTokInput: 2, PricePerMTokOutput: 2);
        var router = RouterTestKit.Router(artifact, [Big, mid, Small, bad]);

        var front = router.ParetoFront(new RouteRequest("hello"));

        Assert.Equal("small", front[0].Model);
        Assert.Equal("big", front[^1].Model);
        Assert.DoesNotContain(front, p => p.Model == "bad");
        Assert.True(front.Zip(front.Skip(1)).All(p => p.First.ExpectedCostUsd < p.Second.ExpectedCostUsd && p.First.PredictedQuality < p.Second.PredictedQuality));
    }
}
