using Gateway.Routing.Artifacts;
using Gateway.Routing.Costs;
using Gateway.Routing.Data;

namespace Gateway.Routing.Prediction;

/// <summary>The result of training on a data set: the artefact and every model's aptitude-style vector.</summary>
internal sealed record TrainingResult(RouterArtifact Artifact, IReadOnlyDictionary<string, float[]> AptitudeVectors);

/// <summary>
/// Trains a router artefact from a routing data set's <c>train</c> split. The task labels define the aptitude
/// tasks (capability vectors and the task-affinity head); routing itself reads only the prompt.
/// </summary>
internal static class RouterTraining
{
    public static TrainingResult Train(
        RoutingDataset dataset,
        IReadOnlyList<OutcomeRecord> train,
        float[][] embeddings,
        string encoderId,
        TrainingOptions options,
        IReadOnlyCollection<string> leaveOut,
        TimeProvider timeProvider,
        IProgress<TrainingProgress>? progress = null)
    {
        if (options.ContrastHead)
        {
            options = options with
            {
                ContrastFeatures = ShapeFeatureEncoder.InnerIdOf(encoderId) is null
                    ? throw new ArgumentException($"A contrast head reads the prompt-shape features, and the encoder '{encoderId}' has none: train with an encoder ending in '+shape'.")
                    : ShapeFeatureEncoder.ShapeDimension,
            };
        }

        var tasks = train.Select(o => o.Task).Distinct().Order(StringComparer.Ordinal).ToArray();
        var models = dataset.ModelNames.Where(m => !leaveOut.Contains(m)).ToArray();

        // Only the training models design the test; a left-out model is measured on the same items afterwards.
        var items = AptitudeSample.Items(train, tasks, options.AptitudeItemsPerTask, options.Seed, options.MatchedAptitudeItems ? models : null);
        var vectors = dataset.ModelNames.ToDictionary(m => m, m => AptitudeSample.Vector(items, tasks, m), StringComparer.Ordinal);

        var taskIndex = tasks.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        var targets = train.Select(o => models.Select(m => o.Scores.TryGetValue(m, out var s) ? (float)s : float.NaN).ToArray()).ToArray();
        var validation = train.Select(o => IsValidation(o.Id, options)).ToArray();
        var trainingItems = train.Where((o, i) => !validation[i]).ToArray();
        float[][] Resample(Random random)
        {
            var sample = AptitudeSample.Items(trainingItems, tasks, options.AptitudeItemsPerTask, random.Next());
            return models.Select(m => AptitudeSample.Vector(sample, tasks, m)).ToArray();
        }

        var set = new TrainingSet(embeddings, train.Select(o => taskIndex[o.Task]).ToArray(), targets, models.Select(m => vectors[m]).ToArray(), validation, Resample);

        // An ensemble's members differ only in the seed of their initialisation and example order; they share the
        // data, the validation split and the capability vectors.
        var members = Enumerable.Range(0, Math.Max(1, options.Ensemble))
            .Select(k => new PredictorTrainer(options with { Seed = options.Seed + k }).Train(set, tasks, progress))
            .ToArray();
        var weights = members[0] with { Members = members[1..] };
        var capabilities = models.ToDictionary(m => m, m => vectors[m], StringComparer.Ordinal);
        // Costs are fitted for every model of the data, the left-out ones too: what a call costs is known from its
        // price or its bill, without training the predictor on the model's outcomes.
        var artifact = new RouterArtifact(encoderId, weights, capabilities, dataset.Name, timeProvider.GetUtcNow())
        {
            Costs = CallCostModel.Fit(train, dataset.ModelNames),
        };
        return new TrainingResult(artifact, vectors);
    }

    private static bool IsValidation(string id, TrainingOptions options)
    {
        var hash = 2166136261u ^ (uint)options.Seed;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (hash % 1000) < options.ValidationShare * 1000;
    }
}
