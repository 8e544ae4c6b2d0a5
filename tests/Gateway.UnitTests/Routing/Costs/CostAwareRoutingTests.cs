using System.Text.Json.Nodes;
using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Decision;
using Gateway.Routing.Evaluation;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing.Costs;

/// <summary>
/// Routing on data whose only price evidence is the recorded cost of each call (<see cref="CostedRoutingData"/>):
/// the cheap model is right on most short prompts and no long one, the expensive model on all of them.
/// </summary>
public sealed class CostAwareRoutingTests : IDisposable
{
    private static readonly IPromptEncoder Encoder = new ShapeFeatureEncoder(new HashingPromptEncoder(RouterTestKit.Dimension));
    private static readonly TrainingOptions Options = new() { Hidden = 0, Epochs = 10, AffinityEpochs = 1, ContrastHead = true, ContrastEpochs = 40, ContrastL2 = 0, LearningRate = 5e-3f };
    private static readonly Lazy<RouterArtifact> Trained = new(Train);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-costs-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Train_PerCallCostsWithoutPriceList_StoresEachModelsLearnedCost()
    {
        var costs = Trained.Value.Costs;

        Assert.Equal(CostedRoutingData.CheapPerToken, costs[CostedRoutingData.Cheap].PerPromptTokenUsd, 12);
        Assert.Equal(CostedRoutingData.ExpensivePerCall, costs[CostedRoutingData.Expensive].PerCallUsd, 10);
    }

    [Fact]
    public void Route_CostWeightGrows_ShortPromptsMoveToTheCheapModelAndLongOnesStay()
    {
        var router = Router(Trained.Value);
        double ShareToCheap(Func<int, string> prompt, double lambda) => Enumerable.Range(1000, 20)
            .Count(i => router.Route(new RouteRequest(prompt(i), new CostWeights(Cost: lambda), ExpectedOutputTokens: 0)).Best?.Name == CostedRoutingData.Cheap) / 20.0;

        // At λ = 0 the expensive model, right more often everywhere, wins; the cheap one is almost as good on short
        // prompts only, so a cost weight sends those to it first.
        Assert.Equal(0, ShareToCheap(CostedRoutingData.Short, 0));
        Assert.Equal(1, ShareToCheap(CostedRoutingData.Short, 0.5));
        Assert.Equal(0, ShareToCheap(CostedRoutingData.Long, 0.5));
        Assert.Equal(1, ShareToCheap(CostedRoutingData.Long, 100));
    }

    [Fact]
    public void Route_LearnedCost_PricesTheCallFromThePromptsLength()
    {
        var router = Router(Trained.Value);
        var prompt = CostedRoutingData.Long(3);

        var expensive = router.Route(new RouteRequest(prompt, ExpectedOutputTokens: 0)).Ranked.Single(r => r.Name == CostedRoutingData.Expensive);

        Assert.Equal(CostedRoutingData.ExpensivePerCall + (CostedRoutingData.ExpensivePerToken * TokenEstimator.Estimate(prompt)), expensive.ExpectedCostUsd, 10);
    }

    [Fact]
    public void Route_MaxPriceBelowLearnedPrice_RejectsTheExpensiveModel()
    {
        var router = Router(Trained.Value);

        // The expensive model's call costs at least 1e-4 $, far above 1 $/Mtok over any prompt of this data.
        var decision = router.Route(new RouteRequest(CostedRoutingData.Long(1), Constraints: new RouteConstraints(MaxPricePerMTok: 1), ExpectedOutputTokens: 0));

        Assert.Equal(CostedRoutingData.Cheap, decision.Best?.Name);
        Assert.Contains(decision.Rejected, r => r.Name == CostedRoutingData.Expensive && r.Reason == HardConstraints.OverMaxPrice);
    }

    [Fact]
    public void ParetoFront_LearnedCosts_OffersTheCheapModelToo()
    {
        var front = Router(Trained.Value).ParetoFront(new RouteRequest(CostedRoutingData.Short(1001), ExpectedOutputTokens: 0));

        Assert.Equal([CostedRoutingData.Cheap, CostedRoutingData.Expensive], front.Select(p => p.Model));
        Assert.True(front[0].ExpectedCostUsd < front[1].ExpectedCostUsd);
    }

    [Fact]
    public void Evaluate_PerCallCosts_CostColumnsFollowTheCostWeight()
    {
        var data = CostedRoutingData.Create();
        var artifact = Trained.Value;
        var test = data.Split("test");

        var report = RouterEvaluator.Evaluate(data, "test", test, [.. test.Select(o => Encoder.Encode(o.Prompt))], Router(artifact), [0, 0.5], artifact.Costs);

        Assert.True(report.Sweep[0].MeanCostUsd > 0);
        // Half the test prompts are short; sending them to the cheap model saves about their share of the bill.
        Assert.True(report.Sweep[1].MeanCostUsd < report.Sweep[0].MeanCostUsd * 0.75);
        Assert.Equal(0, report.CostError!.MeanAbsoluteErrorUsd, 12);
    }

    [Fact]
    public void SaveLoad_LearnedCosts_RoundTrip()
    {
        RouterArtifactStore.Save(_dir, Trained.Value);

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.Equal(Trained.Value.Costs[CostedRoutingData.Cheap], loaded.Costs[CostedRoutingData.Cheap]);
        Assert.Equal(Trained.Value.Costs[CostedRoutingData.Expensive], loaded.Costs[CostedRoutingData.Expensive]);
    }

    [Fact]
    public void Load_ManifestWithoutCosts_HasNone()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));

        Assert.DoesNotContain("\"costs\"", File.ReadAllText(Path.Combine(_dir, RouterArtifactStore.ManifestFileName)), StringComparison.Ordinal);
        Assert.Empty(RouterArtifactStore.Load(_dir).Costs);
    }

    [Fact]
    public void Load_NegativeLearnedCost_Throws()
    {
        RouterArtifactStore.Save(_dir, Trained.Value);
        var manifest = Path.Combine(_dir, RouterArtifactStore.ManifestFileName);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["costs"]![CostedRoutingData.Expensive]!["perCallUsd"] = -1e-4;
        File.WriteAllText(manifest, json.ToJsonString());

        Assert.Contains("expected cost of 'expensive'", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static LearnedRouter Router(RouterArtifact artifact) =>
        RouterFactory.Create(artifact, RouterEvaluator.Candidates(CostedRoutingData.Create(), artifact.Costs), Encoder);

    private static RouterArtifact Train()
    {
        var data = CostedRoutingData.Create();
        var train = data.Split("train");
        return RouterTraining.Train(data, train, [.. train.Select(o => Encoder.Encode(o.Prompt))], Encoder.Id, Options, [], TimeProvider.System).Artifact;
    }
}
