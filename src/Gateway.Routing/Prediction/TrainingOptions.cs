namespace Gateway.Routing.Prediction;

/// <summary>Hyper-parameters of <see cref="PredictorTrainer"/>. Defaults are the ones the shipped artefacts use.</summary>
internal sealed record TrainingOptions
{
    public int Hidden { get; init; }
    public int Epochs { get; init; } = 30;
    public int AffinityEpochs { get; init; } = 15;
    public float AffinityLearningRate { get; init; } = 1e-2f;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 5e-4f;
    public float WeightDecay { get; init; } = 1e-4f;
    public double ValidationShare { get; init; } = 0.1;
    public int AptitudeItemsPerTask { get; init; } = 20;
    public int Seed { get; init; } = 17;

    /// <summary>Weight each prompt's loss by the inverse size of its task.</summary>
    public bool BalanceTasks { get; init; }

    /// <summary>Share of epochs trained on capability vectors from random aptitude samples instead of the matched ones.</summary>
    public double ResampledEpochShare { get; init; } = 1.0;

    /// <summary>L2 penalty on the prompt-level interaction weights (per example).</summary>
    public float PromptTermL2 { get; init; } = 0.01f;

    /// <summary>Weight of the listwise ranking loss added to the pointwise logistic loss.</summary>
    public float ListwiseWeight { get; init; }

    /// <summary>Keep the epoch with the best validation routed quality (true) or the lowest validation loss (false).</summary>
    public bool SelectByQuality { get; init; }

    /// <summary>Predictors trained with consecutive seeds and averaged (1: a single predictor).</summary>
    public int Ensemble { get; init; } = 1;

    /// <summary>Fit a <see cref="ContrastHead"/> on the prompt-shape features (the encoder must append them).</summary>
    public bool ContrastHead { get; init; }

    /// <summary>Trailing embedding values the <see cref="Prediction.ContrastHead"/> reads (0: no head); set from the encoder.</summary>
    public int ContrastFeatures { get; init; }

    public int ContrastEpochs { get; init; } = 20;

    public float ContrastLearningRate { get; init; } = 1e-2f;

    /// <summary>L2 penalty on the contrast head's weights (per example).</summary>
    public float ContrastL2 { get; init; } = 1e-3f;

    /// <summary>
    /// Decay of an exponential moving average of the weights over optimiser steps (0: none). With it, model
    /// selection and the result use the averaged weights (<see cref="WeightAverage"/>).
    /// </summary>
    public float AverageDecay { get; init; }

    /// <summary>Probability that a training model's outcomes leave a minibatch's loss (0: none).</summary>
    public double ModelDropout { get; init; }

    /// <summary>Choose aptitude items to match the training models' task accuracy (true) or at random (false).</summary>
    public bool MatchedAptitudeItems { get; init; } = true;
}

/// <summary>Training examples in matrix form: N prompts, M models, T tasks.</summary>
/// <param name="Embeddings">N embeddings.</param>
/// <param name="TaskOf">N task indices (used only to fit the task affinity).</param>
/// <param name="Targets">N × M scores in [0, 1]; NaN where a model has no outcome.</param>
/// <param name="Capabilities">M capability vectors of length T.</param>
/// <param name="Validation">N flags: held out for model selection.</param>
/// <param name="ResampleCapabilities">Optional: capability vectors from a fresh random aptitude sample.</param>
internal sealed record TrainingSet(float[][] Embeddings, int[] TaskOf, float[][] Targets, float[][] Capabilities, bool[] Validation, Func<Random, float[][]>? ResampleCapabilities = null);

/// <summary>Progress of training, for progress bars.</summary>
internal sealed record TrainingProgress(string Stage, int Epoch, int Epochs, double ValidationLoss, double ValidationQuality);
