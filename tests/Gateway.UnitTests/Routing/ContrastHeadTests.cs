using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Data;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

/// <summary>
/// The contrast head: a correction fitted on the differences between models, from the prompt-shape features.
/// The data: one task where a cheap "quick" model answers short sums and fails long ones, and a "careful" model
/// does the opposite, so only the size of a prompt says which one to call.
/// </summary>
public sealed class ContrastHeadTests : IDisposable
{
    private static readonly TrainingOptions Options = new() { Hidden = 0, Epochs = 0, AffinityEpochs = 1, ContrastEpochs = 40, ContrastL2 = 0, LearningRate = 5e-3f };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-contrast-" + Guid.NewGuid().ToString("N"));

    private static readonly IPromptEncoder Encoder = new ShapeFeatureEncoder(new HashingPromptEncoder(RouterTestKit.Dimension));

    [Fact]
    public void Train_DifferenceFollowsPromptSize_HeadRoutesByIt()
    {
        var artifact = Train(Options with { ContrastHead = true });
        var router = RouterFactory.Create(artifact, [new("quick"), new("careful")], Encoder);

        Assert.NotNull(artifact.Weights.Head);
        Assert.Equal(ShapeFeatureEncoder.ShapeDimension, artifact.Weights.Head!.Features);
        for (var i = 1000; i < 1010; i++)
        {
            Assert.Equal("quick", router.Route(new RouteRequest(Short(i))).Best?.Name);
            Assert.Equal("careful", router.Route(new RouteRequest(Long(i))).Best?.Name);
        }
    }

    [Fact]
    public void Train_WithoutHead_SameChoiceForEveryPrompt()
    {
        // The same predictor with no quality epochs and no head knows only the models' overall accuracy.
        var artifact = Train(Options);
        var router = RouterFactory.Create(artifact, [new("quick"), new("careful")], Encoder);

        Assert.Null(artifact.Weights.Head);
        Assert.Equal(router.Route(new RouteRequest(Short(1000))).Best?.Name, router.Route(new RouteRequest(Long(1000))).Best?.Name);
    }

    [Fact]
    public void SaveLoad_WithHead_SamePredictions()
    {
        var artifact = Train(Options with { ContrastHead = true });
        RouterArtifactStore.Save(_dir, artifact);

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.Equal(artifact.Weights.Head!.Weights, loaded.Weights.Head!.Weights);
        Assert.Equal(artifact.Weights.Head.Centre, loaded.Weights.Head.Centre);
        var before = new QualityPredictor(artifact.Weights);
        var after = new QualityPredictor(loaded.Weights);
        var embedding = Encoder.Encode(Long(7));
        Assert.Equal(before.Predict(before.Prepare(embedding), [0.3f]), after.Predict(after.Prepare(embedding), [0.3f]));
    }

    [Fact]
    public void Load_ManifestDisagreesWithWeights_Throws()
    {
        RouterArtifactStore.Save(_dir, Train(Options with { ContrastHead = true }));
        var manifest = Path.Combine(_dir, RouterArtifactStore.ManifestFileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"contrastFeatures\": 30", "\"contrastFeatures\": 12", StringComparison.Ordinal));

        Assert.Contains("contrast features", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    [Fact]
    public void Train_HeadWithoutShapeFeatures_ClearError()
    {
        var dataset = Data();
        var plain = new HashingPromptEncoder(RouterTestKit.Dimension);
        var train = dataset.Split("train");

        var ex = Assert.Throws<ArgumentException>(() => RouterTraining.Train(dataset, train, train.Select(o => plain.Encode(o.Prompt)).ToArray(), plain.Id, Options with { ContrastHead = true }, [], TimeProvider.System));

        Assert.Contains("+shape", ex.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static RouterArtifact Train(TrainingOptions options)
    {
        var dataset = Data();
        var train = dataset.Split("train");
        return RouterTraining.Train(dataset, train, train.Select(o => Encoder.Encode(o.Prompt)).ToArray(), Encoder.Id, options, [], TimeProvider.System).Artifact;
    }

    private static string Short(int i) => $"What is {i % 50} plus {(i % 7) + 1}?";

    private static string Long(int i) =>
        $"A shop sells {i % 40} apples at $1.25 each and {(i % 9) + 3} pears at $0.80 each. It then sells 15% more apples, " +
        $"half of the pears, and {(i % 5) + 2} baskets that cost twice as much as 3 pears. How much money did the shop take in total, in dollars?";

    private static RoutingDataset Data()
    {
        // Two long prompts for every short one: the careful model is right more often overall, so its capability
        // differs from the quick model's, and the pointwise predictor alone prefers it everywhere.
        var outcomes = new List<OutcomeRecord>();
        for (var i = 0; i < 90; i++)
        {
            var isShort = i % 3 == 0;
            outcomes.Add(new OutcomeRecord($"q{i}", "train", "math", isShort ? Short(i) : Long(i), new Dictionary<string, double>
            {
                ["quick"] = isShort ? 1 : 0,
                ["careful"] = isShort ? 0 : 1,
            }));
        }

        return new RoutingDataset("contrast", [new("quick", 7, 0.2), new("careful", 70, 0.9)], outcomes);
    }
}
