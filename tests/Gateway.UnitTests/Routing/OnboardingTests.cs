using Gateway.Routing;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

public sealed class OnboardingTests
{
    private static readonly TrainingOptions Fast = new() { Hidden = 8, Epochs = 15, AffinityEpochs = 15, LearningRate = 5e-3f };

    [Theory]
    [InlineData(0f, 0.0)]
    [InlineData(0.99f, 0.0)]
    [InlineData(0f, 0.3)]
    public void WithCapability_NewModelVector_RoutableWithoutRetraining(float averageDecay, double modelDropout)
    {
        var dataset = SyntheticRoutingData.Create();
        var encoder = new HashingPromptEncoder(RouterTestKit.Dimension);
        var train = dataset.Split("train");
        var embeddings = train.Select(o => encoder.Encode(o.Prompt)).ToArray();
        var artifact = RouterTraining.Train(dataset, train, embeddings, encoder.Id, Fast with { AverageDecay = averageDecay, ModelDropout = modelDropout }, ["math-model"], TimeProvider.System).Artifact;
        CandidateDescriptor[] candidates = [new("math-model"), new("poet-model"), new("generalist")];
        var before = RouterFactory.Create(artifact, candidates, encoder);
        var mathPrompt = SyntheticRoutingData.MathPrompt(1000);

        Assert.Contains(before.Route(new RouteRequest(mathPrompt)).Rejected, r => r.Name == "math-model");

        // Its aptitude results: right on every arithmetic item, wrong on every poem.
        var onboarded = artifact.WithCapability("math-model", AptitudeFile.FromVector("math-model", artifact.Tasks, [1f, 0f], 20).ToVector(artifact.Tasks));
        var after = RouterFactory.Create(onboarded, candidates, encoder);

        Assert.Same(artifact.Weights, onboarded.Weights);
        Assert.Equal("math-model", after.Route(new RouteRequest(mathPrompt)).Best?.Name);
        Assert.Equal("poet-model", after.Route(new RouteRequest(SyntheticRoutingData.PoemPrompt(1000))).Best?.Name);
    }

    [Fact]
    public void Train_SameDataAndSeed_SameWeights()
    {
        var dataset = SyntheticRoutingData.Create(20);
        var encoder = new HashingPromptEncoder(RouterTestKit.Dimension);
        var train = dataset.Split("train");
        var embeddings = train.Select(o => encoder.Encode(o.Prompt)).ToArray();

        var first = RouterTraining.Train(dataset, train, embeddings, encoder.Id, Fast with { Epochs = 3 }, [], TimeProvider.System).Artifact.Weights;
        var second = RouterTraining.Train(dataset, train, embeddings, encoder.Id, Fast with { Epochs = 3 }, [], TimeProvider.System).Artifact.Weights;

        Assert.Equal(first.Bilinear, second.Bilinear);
        Assert.Equal(first.HiddenWeights, second.HiddenWeights);
    }

    [Fact]
    public void AptitudeItems_MatchedSelection_ReproducesReferenceAccuracy()
    {
        var dataset = SyntheticRoutingData.Create();
        var train = dataset.Split("train");

        var items = AptitudeSample.Items(train, ["math", "poem"], 10, 1, ["generalist"]);

        // The generalist is right on half of all train prompts of each task; the matched items keep that.
        Assert.Equal(20, items.Count);
        Assert.Equal([0.5f, 0.5f], AptitudeSample.Vector(items, ["math", "poem"], "generalist"));
        Assert.Equal([1f, 0f], AptitudeSample.Vector(items, ["math", "poem"], "math-model"));
    }
}
