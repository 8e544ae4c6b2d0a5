using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

internal sealed partial class PredictorTrainer
{
    /// <summary>
    /// Fits the <see cref="ContrastHead"/> on top of the trained predictor, whose weights stay fixed: the squared
    /// error of the predicted quality difference of every two models of a prompt (<see cref="PromptPairs"/>),
    /// plus an L2 penalty. Each task's block keeps the epoch with its lowest validation loss, and the predictor
    /// keeps no head at all when no block beats it without one.
    /// </summary>
    private PredictorWeights FitContrast(PredictorWeights w, TrainingSet data, int[] train, int[] validation, int features, Random random, IProgress<TrainingProgress>? progress)
    {
        var t = w.TaskCount;
        var head = ContrastHead.Create(data.Embeddings, train, features, data.Capabilities, t);
        var predictor = new QualityPredictor(w);

        // The fixed part of every score, the prompt's task affinity and its standardised features, once.
        var n = data.Embeddings.Length;
        var baseLogits = new float[n][];
        var affinity = new float[n][];
        var phi = new float[n][];
        foreach (var i in train.Concat(validation))
        {
            var state = predictor.PrepareForTraining(data.Embeddings[i]);
            baseLogits[i] = data.Capabilities.Select(c => predictor.Logit(state, c)).ToArray();
            affinity[i] = (float[])state.Affinity.Clone();
            phi[i] = new float[features];
            head.Standardise(data.Embeddings[i], phi[i]);
        }

        var centred = data.Capabilities.Select(c =>
        {
            var v = new float[t];
            TensorPrimitives.Subtract(c, head.Centre, v);
            return v;
        }).ToArray();
        var rows = validation.Length > 0 ? validation : train;
        // The head's block for task t acts only on prompts with affinity to t, so each block keeps its own best
        // epoch, judged on the validation prompts of its task (all zeros, no correction, is the first candidate).
        var rowsOf = Enumerable.Range(0, t).Select(task => rows.Where(i => data.TaskOf[i] == task).ToArray()).ToArray();
        var block = t * features;
        var bestLoss = rowsOf.Select(r => PairwiseLoss(head, data, r, baseLogits, affinity, phi, centred)).ToArray();
        var best = (float[])head.Weights.Clone();
        var improved = false;
        var gradient = new float[head.Weights.Length];
        var adam = new Adam(gradient.Length, options.ContrastLearningRate, 0);
        var average = options.AverageDecay > 0 ? new WeightAverage(options.AverageDecay, head.Weights) : null;
        var averaged = average is null ? head : head with { Weights = average.Averages[0] };
        var h = new float[t];
        var lambdas = new float[data.Capabilities.Length];
        var predicted = new double[data.Capabilities.Length];
        var dh = new float[t];
        for (var epoch = 0; epoch < options.ContrastEpochs; epoch++)
        {
            Shuffle(train, random);
            for (var start = 0; start < train.Length; start += options.BatchSize)
            {
                var end = Math.Min(train.Length, start + options.BatchSize);
                for (var b = start; b < end; b++)
                {
                    var i = train[b];
                    if (PromptPairs(head, data.Targets[i], baseLogits[i], affinity[i], phi[i], centred, h, predicted, lambdas).Pairs == 0)
                    {
                        continue;
                    }

                    // dh_u = Σ_m λ_m (c_m − centre)_u; dV[t,u,:] = a_t dh_u φ.
                    Array.Clear(dh);
                    for (var m = 0; m < lambdas.Length; m++)
                    {
                        TensorPrimitives.MultiplyAdd(centred[m], lambdas[m], dh, dh);
                    }

                    for (var task = 0; task < t; task++)
                    {
                        var a = affinity[i][task];
                        if (a < 1e-4f)
                        {
                            continue;
                        }

                        for (var u = 0; u < t; u++)
                        {
                            var row = gradient.AsSpan(((task * t) + u) * features, features);
                            TensorPrimitives.MultiplyAdd(phi[i], a * dh[u], row, row);
                        }
                    }
                }

                var count = end - start;
                TensorPrimitives.MultiplyAdd(head.Weights, options.ContrastL2 * count, gradient, gradient);
                adam.Step(head.Weights, gradient, 1f / count);
                average?.Update();
            }

            for (var task = 0; task < t; task++)
            {
                var taskLoss = PairwiseLoss(averaged, data, rowsOf[task], baseLogits, affinity, phi, centred);
                if (taskLoss < bestLoss[task])
                {
                    bestLoss[task] = taskLoss;
                    averaged.Weights.AsSpan(task * block, block).CopyTo(best.AsSpan(task * block, block));
                    improved = true;
                }
            }

            var loss = PairwiseLoss(averaged, data, rows, baseLogits, affinity, phi, centred);

            progress?.Report(new TrainingProgress("contrast", epoch + 1, options.ContrastEpochs, loss, double.NaN));
        }

        return improved ? w with { Head = head with { Weights = best } } : w;
    }

    /// <summary>
    /// The loss of one prompt: the squared error of the predicted difference in quality, σ(s_m) − σ(s_n), against
    /// the scored one, over every two models with a score; pairs that tie count too, because a prompt both models
    /// solve is one where the cheaper answer is as good. Returns the summed error and the number of pairs, and
    /// with <paramref name="lambdas"/> writes dLoss/ds_m into it.
    /// </summary>
    private static (double Loss, int Pairs) PromptPairs(ContrastHead head, float[] targets, float[] baseLogits, float[] affinity, float[] phi, float[][] centred,
        float[] h, double[] predicted, float[]? lambdas)
    {
        head.Project(affinity, phi, h);
        for (var m = 0; m < targets.Length; m++)
        {
            predicted[m] = QualityPredictor.Sigmoid(baseLogits[m] + TensorPrimitives.Dot(h, centred[m]));
        }

        if (lambdas is not null)
        {
            Array.Clear(lambdas);
        }

        double loss = 0;
        var pairs = 0;
        for (var m = 0; m < targets.Length; m++)
        {
            for (var n = m + 1; n < targets.Length; n++)
            {
                var diff = targets[m] - targets[n];
                if (float.IsNaN(diff))
                {
                    continue;
                }

                loss += Math.Pow(predicted[m] - predicted[n] - diff, 2);
                pairs++;
                if (lambdas is not null)
                {
                    var pm = (float)predicted[m];
                    var pn = (float)predicted[n];
                    var error = 2 * (pm - pn - diff);
                    lambdas[m] += error * pm * (1 - pm);
                    lambdas[n] -= error * pn * (1 - pn);
                }
            }
        }

        return (loss, pairs);
    }

    /// <summary>The mean pair error over <paramref name="rows"/>.</summary>
    private static double PairwiseLoss(ContrastHead head, TrainingSet data, int[] rows, float[][] baseLogits, float[][] affinity, float[][] phi, float[][] centred)
    {
        var h = new float[head.Centre.Length];
        var predicted = new double[data.Capabilities.Length];
        double loss = 0;
        var pairs = 0;
        foreach (var i in rows)
        {
            var (l, p) = PromptPairs(head, data.Targets[i], baseLogits[i], affinity[i], phi[i], centred, h, predicted, null);
            loss += l;
            pairs += p;
        }

        return loss / Math.Max(1, pairs);
    }
}
