using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

/// <summary>
/// The blend of the predictor with the train prompts' neighbour estimate and the priors, on
/// <see cref="SyntheticRoutingData"/> with a predictor that ignores the prompt (<see cref="RouterTestKit.Artifact"/>):
/// only the neighbours can tell a sum from a poem.
/// </summary>
public sealed class QualityBlendTests : IDisposable
{
    private static readonly IPromptEncoder Encoder = new HashingPromptEncoder(RouterTestKit.Dimension);
    private static readonly string[] Models = ["math-model", "poet-model", "generalist"];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-blend-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Estimate_PromptOfTheIndex_WeighsItsOwnScoresMost()
    {
        var index = NeighbourIndex.Build(
            [Encoder.Encode(SyntheticRoutingData.MathPrompt(1)), Encoder.Encode(SyntheticRoutingData.PoemPrompt(1))],
            [[1f, 0f], [0f, 1f]], [0, 1], ["a", "b"], 2, 16, 7);
        var models = new float[2];
        var tasks = new float[2];

        index.Estimate(Encoder.Encode(SyntheticRoutingData.MathPrompt(1)), 0.01f, models, tasks);

        Assert.True(models[0] > 0.95f, $"a: {models[0]}");
        Assert.True(tasks[0] > 0.95f, $"task 0: {tasks[0]}");
        Assert.Equal(1f, models[0] + models[1], 4);
    }

    [Fact]
    public void Fit_PredictorBlindToThePrompt_ChoosesTheNeighboursAndRoutesByThem()
    {
        var blend = Fit(dimensions: 16);
        var router = RouterTestKit.Router(BlindArtifact() with { Blend = blend }, Candidates());

        Assert.True(blend.NeighbourWeight > 0, $"weights {blend.RouterWeight}/{blend.NeighbourWeight}/{blend.PriorWeight}");
        Assert.All(Enumerable.Range(500, 10), i =>
        {
            Assert.Equal("math-model", router.Route(new RouteRequest(SyntheticRoutingData.MathPrompt(i))).Best?.Name);
            Assert.Equal("poet-model", router.Route(new RouteRequest(SyntheticRoutingData.PoemPrompt(i))).Best?.Name);
        });
    }

    [Fact]
    public void Fit_NoNeighbourDimensions_ShipsNoIndexAndNeverWeighsNeighbours()
    {
        var blend = Fit(dimensions: 0);

        Assert.Null(blend.Index);
        Assert.Equal(0f, blend.NeighbourWeight);
        Assert.True(blend.IsValid);
    }

    [Fact]
    public void Combine_ModelTheDataDidNotScore_UsesItsCapabilityOverTheNeighboursTasks()
    {
        var blend = Fit(dimensions: 16) with { RouterWeight = 0, NeighbourWeight = 1, PriorWeight = 0 };
        var estimate = blend.Prepare(Encoder.Encode(SyntheticRoutingData.MathPrompt(501)));

        // Task 0 is "math" (ordinal order): a newcomer perfect at it and hopeless at poems is estimated near 1.
        var newcomer = blend.Combine(0.5, estimate, -1, [1f, 0f]);
        var poet = blend.Combine(0.5, estimate, 1, [0.5f, 0.5f]);

        Assert.True(newcomer > 0.9, $"newcomer {newcomer}");
        Assert.True(poet < 0.1, $"poet {poet}");
    }

    [Fact]
    public void Load_SavedBlend_RoundTripsAndRoutesTheSame()
    {
        var artifact = BlindArtifact() with { Blend = Fit(dimensions: 16) };
        RouterArtifactStore.Save(_dir, artifact);

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.NotNull(loaded.Blend?.Index);
        Assert.Equal(artifact.Blend!.NeighbourWeight, loaded.Blend!.NeighbourWeight);
        Assert.Equal(artifact.Blend.Index!.Columns, loaded.Blend.Index!.Columns);
        Assert.Equal(artifact.Blend.Index.TaskOf, loaded.Blend.Index.TaskOf);
        var prompt = SyntheticRoutingData.PoemPrompt(503);
        var before = RouterTestKit.Router(artifact, Candidates()).Route(new RouteRequest(prompt)).Ranked;
        var after = RouterTestKit.Router(loaded, Candidates()).Route(new RouteRequest(prompt)).Ranked;
        Assert.Equal(before.Select(r => (r.Name, r.PredictedQuality)), after.Select(r => (r.Name, r.PredictedQuality)));
    }

    [Fact]
    public void Load_BlendWithoutIndex_RoundTripsWithoutTheFile()
    {
        RouterArtifactStore.Save(_dir, BlindArtifact() with { Blend = Fit(dimensions: 16) });
        RouterArtifactStore.Save(_dir, BlindArtifact() with { Blend = Fit(dimensions: 0) });

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.Null(loaded.Blend?.Index);
        Assert.False(File.Exists(Path.Combine(_dir, RouterArtifactStore.NeighboursFileName)));
    }

    [Fact]
    public void Load_ChangedNeighbourIndex_ThrowsChecksumError()
    {
        RouterArtifactStore.Save(_dir, BlindArtifact() with { Blend = Fit(dimensions: 16) });
        var path = Path.Combine(_dir, RouterArtifactStore.NeighboursFileName);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        Assert.Contains("checksum", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static RouterArtifact BlindArtifact() => RouterTestKit.Artifact(("math-model", 0.5f), ("poet-model", 0.5f), ("generalist", 0.5f));

    private static CandidateDescriptor[] Candidates() => [.. Models.Select(m => new CandidateDescriptor(m))];

    private static QualityBlend Fit(int dimensions)
    {
        var train = SyntheticRoutingData.Create(perTask: 100).Split("train");
        var tasks = train.Select(o => o.Task).Distinct().Order(StringComparer.Ordinal).ToList();
        var artifact = BlindArtifact();
        var zero = train.Select(_ => new double[Models.Length]).ToArray();
        var data = new BlendData(
            [.. train.Select(o => Encoder.Encode(o.Prompt))],
            [.. train.Select(o => Models.Select(m => (float)o.Scores[m]).ToArray())],
            [.. train.Select(o => tasks.IndexOf(o.Task))],
            tasks.Count,
            Models,
            [.. Models.Select(m => artifact.Capabilities[m])],
            // Rows alternate sum, poem: every fifth row holds out both kinds.
            [.. train.Select((_, i) => i % 5 == 0)],
            zero,
            zero);
        return QualityBlendFit.Fit(data, new QualityPredictor(artifact.Weights), dimensions, seed: 17);
    }
}
