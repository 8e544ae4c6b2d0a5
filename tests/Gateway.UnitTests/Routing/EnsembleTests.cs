using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

/// <summary>A router trained as an ensemble: members from consecutive seeds, scored by their mean logit.</summary>
public sealed class EnsembleTests : IDisposable
{
    private static readonly TrainingOptions Fast = new() { Hidden = 4, Epochs = 4, AffinityEpochs = 5, LearningRate = 5e-3f, Ensemble = 3 };
    private static readonly IPromptEncoder Encoder = new HashingPromptEncoder(RouterTestKit.Dimension);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-ensemble-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Train_Ensemble_MembersFromConsecutiveSeedsScoredByMeanLogit()
    {
        var ensemble = Train(Fast).Weights;
        var first = Train(Fast with { Ensemble = 1 }).Weights;

        // The first member is the single predictor of the same seed; the others start from other seeds.
        Assert.Equal(2, ensemble.Members.Count);
        Assert.Equal(first.Bilinear, ensemble.Bilinear);
        Assert.NotEqual(first.Bilinear, ensemble.Members[0].Bilinear);
        Assert.NotEqual(ensemble.Members[0].Bilinear, ensemble.Members[1].Bilinear);

        var embedding = Encoder.Encode(SyntheticRoutingData.MathPrompt(3));
        float[] capability = [0.9f, 0.1f];
        var members = new[] { ensemble with { Members = [] }, ensemble.Members[0], ensemble.Members[1] }
            .Select(w => new QualityPredictor(w))
            .Select(p => p.Logit(p.Prepare(embedding), capability))
            .Average();
        var predictor = new QualityPredictor(ensemble);
        Assert.Equal(members, predictor.Logit(predictor.Prepare(embedding), capability), 5);
    }

    [Fact]
    public void SaveLoad_Ensemble_SamePredictionsAndManifestCount()
    {
        var artifact = Train(Fast);
        RouterArtifactStore.Save(_dir, artifact);

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.Contains("\"ensemble\": 3", File.ReadAllText(Path.Combine(_dir, RouterArtifactStore.ManifestFileName)), StringComparison.Ordinal);
        Assert.Equal(artifact.Weights.Members[1].Alpha, loaded.Weights.Members[1].Alpha);
        var embedding = Encoder.Encode(SyntheticRoutingData.PoemPrompt(5));
        var before = new QualityPredictor(artifact.Weights);
        var after = new QualityPredictor(loaded.Weights);
        Assert.Equal(before.Predict(before.Prepare(embedding), [0.2f, 0.8f]), after.Predict(after.Prepare(embedding), [0.2f, 0.8f]));
    }

    [Fact]
    public void Load_ManifestEnsembleCountWrong_Throws()
    {
        RouterArtifactStore.Save(_dir, Train(Fast));
        var manifest = Path.Combine(_dir, RouterArtifactStore.ManifestFileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"ensemble\": 3", "\"ensemble\": 2", StringComparison.Ordinal));

        Assert.Contains("ensemble of 2", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
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
        var dataset = SyntheticRoutingData.Create(20);
        var train = dataset.Split("train");
        return RouterTraining.Train(dataset, train, train.Select(o => Encoder.Encode(o.Prompt)).ToArray(), Encoder.Id, options, [], TimeProvider.System).Artifact;
    }
}
