using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// Fits <see cref="PredictorWeights"/>: first the task affinity (softmax regression of prompt → aptitude task),
/// then the rest with logistic loss on (prompt, capability vector) → score over all training models.
/// Single-threaded and seeded, so the same data and options give the same weights. The epoch with the lowest
/// validation loss is kept. With <see cref="TrainingOptions.ContrastFeatures"/> a third stage fits the
/// <see cref="ContrastHead"/> on the differences between models.
/// </summary>
internal sealed partial class PredictorTrainer(TrainingOptions options)
{
    public PredictorWeights Train(TrainingSet data, IReadOnlyList<string> tasks, IProgress<TrainingProgress>? progress = null)
    {
        var random = new Random(options.Seed);
        var d = data.Embeddings[0].Length;
        var weights = PredictorWeights.Create(d, tasks, options.Hidden, random);
        var train = Enumerable.Range(0, data.Embeddings.Length).Where(i => !data.Validation[i]).ToArray();
        var validation = Enumerable.Range(0, data.Embeddings.Length).Where(i => data.Validation[i]).ToArray();

        FitAffinity(weights, data, train, random, progress);
        var fitted = FitQuality(weights, data, train, validation, random, progress);
        return options.ContrastFeatures > 0 && options.ContrastEpochs > 0
            ? FitContrast(fitted, data, train, validation, options.ContrastFeatures, random, progress)
            : fitted;
    }

    private void FitAffinity(PredictorWeights w, TrainingSet data, int[] train, Random random, IProgress<TrainingProgress>? progress)
    {
        var d = w.Dimension;
        var t = w.TaskCount;
        var gradient = new float[w.Affinity.Length];
        var adam = new Adam(gradient.Length, options.AffinityLearningRate, options.WeightDecay);
        var logits = new float[t];
        for (var epoch = 0; epoch < options.AffinityEpochs; epoch++)
        {
            Shuffle(train, random);
            for (var start = 0; start < train.Length; start += options.BatchSize)
            {
                var end = Math.Min(train.Length, start + options.BatchSize);
                for (var b = start; b < end; b++)
                {
                    var e = data.Embeddings[train[b]];
                    for (var k = 0; k < t; k++)
                    {
                        logits[k] = TensorPrimitives.Dot(w.Affinity.AsSpan(k * (d + 1), d), e) + w.Affinity[(k * (d + 1)) + d];
                    }

                    TensorPrimitives.SoftMax(logits, logits);
                    logits[data.TaskOf[train[b]]] -= 1f;
                    for (var k = 0; k < t; k++)
                    {
                        var row = gradient.AsSpan(k * (d + 1), d + 1);
                        TensorPrimitives.MultiplyAdd(e, logits[k], row[..d], row[..d]);
                        row[d] += logits[k];
                    }
                }

                adam.Step(w.Affinity, gradient, 1f / (end - start));
            }

            progress?.Report(new TrainingProgress("task affinity", epoch + 1, options.AffinityEpochs, double.NaN, double.NaN));
        }
    }

    private static void Shuffle(int[] items, Random random)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
