using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

internal sealed partial class PredictorTrainer
{
    private PredictorWeights FitQuality(PredictorWeights w, TrainingSet data, int[] train, int[] validation, Random random, IProgress<TrainingProgress>? progress)
    {
        var d = w.Dimension;
        var t = w.TaskCount;
        var z = w.FeatureCount;
        var gHidden = new float[w.HiddenWeights.Length];
        var gBilinear = new float[w.Bilinear.Length];
        var gCross = new float[w.Cross.Length];
        var gScalars = new float[2];
        var scalars = new[] { w.Alpha, w.Bias };
        var aHidden = new Adam(gHidden.Length, options.LearningRate, options.WeightDecay);
        var aBilinear = new Adam(gBilinear.Length, options.LearningRate, options.WeightDecay);
        var aCross = new Adam(gCross.Length, options.LearningRate, options.WeightDecay);
        var aScalars = new Adam(2, options.LearningRate, 0);
        var r = new float[t + 1];
        var dz = new float[z];
        var logits = new float[data.Capabilities.Length];
        var grads = new float[data.Capabilities.Length];
        var exampleWeight = ExampleWeights(data, train);
        var dropped = new bool[data.Capabilities.Length];

        var average = options.AverageDecay > 0 ? new WeightAverage(options.AverageDecay, w.HiddenWeights, w.Bilinear, w.Cross, scalars) : null;
        var best = Snapshot(w, scalars);
        var bestLoss = double.MaxValue;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            Shuffle(train, random);

            // Epochs after the first see capability vectors from fresh random aptitude samples, so the predictor
            // learns how far to trust a vector measured on a few items, as a newly onboarded model's is.
            var capabilities = epoch > 0 && data.ResampleCapabilities is { } resample && options.ResampledEpochShare > 0
                && random.NextDouble() < options.ResampledEpochShare ? resample(random) : data.Capabilities;
            for (var start = 0; start < train.Length; start += options.BatchSize)
            {
                var end = Math.Min(train.Length, start + options.BatchSize);
                var rows = 0;
                DropModels(dropped, random);
                var current = w with { Alpha = scalars[0], Bias = scalars[1] };
                var predictor = new QualityPredictor(current);
                for (var b = start; b < end; b++)
                {
                    var i = train[b];
                    var state = predictor.PrepareForTraining(data.Embeddings[i]);
                    Array.Clear(r);
                    ComputeGradients(predictor, state, data.Targets[i], capabilities, logits, grads);
                    for (var m = 0; m < capabilities.Length; m++)
                    {
                        if (float.IsNaN(data.Targets[i][m]) || dropped[m])
                        {
                            continue;
                        }

                        var c = capabilities[m];
                        var g = grads[m] * exampleWeight[i];
                        rows++;
                        TensorPrimitives.MultiplyAdd(c, g, r.AsSpan(0, t), r.AsSpan(0, t));
                        r[t] += g;
                        gScalars[0] += g * QualityPredictor.SafeLogit(TensorPrimitives.Dot(state.Affinity, c));
                        gScalars[1] += g;
                    }

                    // Bilinear: dW_k += r_k z; prompt features: dz = Σ_k r_k W_k.
                    Array.Clear(dz);
                    for (var k = 0; k <= t; k++)
                    {
                        TensorPrimitives.MultiplyAdd(state.Features, r[k], gBilinear.AsSpan(k * z, z), gBilinear.AsSpan(k * z, z));
                        TensorPrimitives.MultiplyAdd(w.Bilinear.AsSpan(k * z, z), r[k], dz, dz);
                    }

                    // Cross: dB[a][u] += affinity_a · (Σ_m g_m c_m)_u.
                    for (var a = 0; a < t; a++)
                    {
                        TensorPrimitives.MultiplyAdd(r.AsSpan(0, t), state.Affinity[a], gCross.AsSpan(a * t, t), gCross.AsSpan(a * t, t));
                    }

                    var e = data.Embeddings[i];
                    for (var h = 0; h < w.Hidden; h++)
                    {
                        if (state.HiddenPre[h] <= 0)
                        {
                            continue;
                        }

                        var row = gHidden.AsSpan(h * (d + 1), d + 1);
                        TensorPrimitives.MultiplyAdd(e, dz[d + h], row[..d], row[..d]);
                        row[d] += dz[d + h];
                    }
                }

                if (rows == 0)
                {
                    continue;
                }

                var scale = 1f / rows;
                ShrinkPromptTerms(w, gBilinear, gHidden, rows);
                aHidden.Step(w.HiddenWeights, gHidden, scale);
                aBilinear.Step(w.Bilinear, gBilinear, scale);
                aCross.Step(w.Cross, gCross, scale);
                aScalars.Step(scalars, gScalars, scale);
                average?.Update();
            }

            // With averaging, the averaged weights are the candidates for selection and the result.
            var candidate = average is null
                ? w with { Alpha = scalars[0], Bias = scalars[1] }
                : w with { HiddenWeights = average.Averages[0], Bilinear = average.Averages[1], Cross = average.Averages[2], Alpha = average.Averages[3][0], Bias = average.Averages[3][1] };
            var (loss, quality) = Evaluate(candidate, data, validation.Length > 0 ? validation : train);
            var criterion = options.SelectByQuality ? -quality : loss;
            if (criterion < bestLoss)
            {
                bestLoss = criterion;
                best = Snapshot(candidate, [candidate.Alpha, candidate.Bias]);
            }

            progress?.Report(new TrainingProgress("quality", epoch + 1, options.Epochs, loss, quality));
        }

        return best;
    }

    /// <summary>
    /// Model dropout: each training model's outcomes leave a minibatch's loss with probability
    /// <see cref="TrainingOptions.ModelDropout"/>, so the shared terms cannot lean on any one model being there,
    /// as a model the predictor never saw is not.
    /// </summary>
    private void DropModels(bool[] dropped, Random random)
    {
        if (options.ModelDropout <= 0)
        {
            return;
        }

        for (var m = 0; m < dropped.Length; m++)
        {
            dropped[m] = random.NextDouble() < options.ModelDropout;
        }
    }

    /// <summary>
    /// Per-prompt loss weights: 1, or with <see cref="TrainingOptions.BalanceTasks"/> inversely proportional to
    /// the size of the prompt's task, so a small task shapes the shared prompt-level terms as much as a big one.
    /// </summary>
    private float[] ExampleWeights(TrainingSet data, int[] train)
    {
        var weights = Enumerable.Repeat(1f, data.Embeddings.Length).ToArray();
        if (!options.BalanceTasks)
        {
            return weights;
        }

        var counts = train.GroupBy(i => data.TaskOf[i]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var i in train)
        {
            weights[i] = (float)train.Length / (counts.Count * counts[data.TaskOf[i]]);
        }

        return weights;
    }

    /// <summary>
    /// Adds an L2 penalty on the prompt-level interactions (the embedding and hidden columns of the bilinear
    /// map, and the hidden layer). Per-prompt outcomes are noisy 0/1 scores, and without it these terms learn
    /// noise that flips close decisions between the task's best models.
    /// </summary>
    private void ShrinkPromptTerms(PredictorWeights w, float[] gBilinear, float[] gHidden, int rows)
    {
        var penalty = options.PromptTermL2 * rows;
        if (penalty <= 0)
        {
            return;
        }

        var z = w.FeatureCount;
        for (var k = 0; k <= w.TaskCount; k++)
        {
            var row = w.Bilinear.AsSpan(k * z, z - 1);
            TensorPrimitives.MultiplyAdd(row, penalty, gBilinear.AsSpan(k * z, z - 1), gBilinear.AsSpan(k * z, z - 1));
        }

        TensorPrimitives.MultiplyAdd(w.HiddenWeights, penalty, gHidden, gHidden);
    }

    /// <summary>
    /// dLoss/ds per model: the logistic loss of each (prompt, model) pair, plus a listwise term (softmax over the
    /// models against the normalised scores) that trains the ranking the routing decision depends on.
    /// </summary>
    private void ComputeGradients(QualityPredictor predictor, QualityPredictor.PromptState state, float[] targets, float[][] capabilities, float[] logits, float[] grads)
    {
        var sum = 0f;
        var present = 0;
        for (var m = 0; m < capabilities.Length; m++)
        {
            logits[m] = float.IsNaN(targets[m]) ? float.NegativeInfinity : predictor.Logit(state, capabilities[m]);
            grads[m] = float.IsNaN(targets[m]) ? 0 : (float)QualityPredictor.Sigmoid(logits[m]) - targets[m];
            if (!float.IsNaN(targets[m]))
            {
                sum += targets[m];
                present++;
            }
        }

        // Prompts every model gets right (or wrong) carry no ranking information.
        if (options.ListwiseWeight <= 0 || sum <= 0 || sum >= present)
        {
            return;
        }

        TensorPrimitives.SoftMax(logits, logits);
        for (var m = 0; m < capabilities.Length; m++)
        {
            if (!float.IsNaN(targets[m]))
            {
                grads[m] += options.ListwiseWeight * (logits[m] - (targets[m] / sum));
            }
        }
    }

    /// <summary>Validation log loss and the mean score of the top-predicted model.</summary>
    internal static (double Loss, double Quality) Evaluate(PredictorWeights w, TrainingSet data, int[] rows)
    {
        var predictor = new QualityPredictor(w);
        double loss = 0, quality = 0;
        var count = 0;
        foreach (var i in rows)
        {
            var state = predictor.PrepareForTraining(data.Embeddings[i]);
            var bestScore = double.MinValue;
            var bestTarget = 0.0;
            for (var m = 0; m < data.Capabilities.Length; m++)
            {
                var y = data.Targets[i][m];
                if (float.IsNaN(y))
                {
                    continue;
                }

                var p = Math.Clamp(predictor.Predict(state, data.Capabilities[m]), 1e-6, 1 - 1e-6);
                loss -= (y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p));
                count++;
                if (p > bestScore)
                {
                    bestScore = p;
                    bestTarget = y;
                }
            }

            quality += bestTarget;
        }

        return (loss / Math.Max(1, count), quality / Math.Max(1, rows.Length));
    }

    private static PredictorWeights Snapshot(PredictorWeights w, float[] scalars) => w with
    {
        Affinity = (float[])w.Affinity.Clone(),
        HiddenWeights = (float[])w.HiddenWeights.Clone(),
        Bilinear = (float[])w.Bilinear.Clone(),
        Cross = (float[])w.Cross.Clone(),
        Alpha = scalars[0],
        Bias = scalars[1],
    };
}
