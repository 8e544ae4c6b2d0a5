namespace Gateway.Routing.Prediction;

/// <summary>Hyper-parameters of <see cref="PredictorTrainer"/>. Defaults are the ones the shipped artefacts use.</summary>
internal sealed record TrainingOptions
{
    public int Hidden { get; init; } = 64;
    public int Epochs { get; init; } = 30;
    public int AffinityEpochs { get; init; } = 15;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 5e-4f;
    public float WeightDecay { get; init; } = 1e-4f;
    public double ValidationShare { get; init; } = 0.1;
    public int AptitudeItemsPerTask { get; init; } = 20;
    public int Seed { get; init; } = 17;

    /// <summary>Keep the epoch with the best validation routed quality (true) or the lowest validation loss (false).</summary>
    public bool SelectByQuality { get; init; }

    /// <summary>Choose aptitude items to match the training models' task accuracy (true) or at random (false).</summary>
    public bool MatchedAptitudeItems { get; init; } = true;
}

/// <summary>Training examples in matrix form: N prompts, M models, T tasks.</summary>
/// <param name="Embeddings">N embeddings.</param>
/// <param name="TaskOf">N task indices (used only to fit the task affinity).</param>
/// <param name="Targets">N × M scores in [0, 1]; NaN where a model has no outcome.</param>
/// <param name="Capabilities">M capability vectors of length T.</param>
/// <param name="Validation">N flags: held out for model selection.</param>
internal sealed record TrainingSet(float[][] Embeddings, int[] TaskOf, float[][] Targets, float[][] Capabilities, bool[] Validation);

/// <summary>Progress of training, for progress bars.</summary>
internal sealed record TrainingProgress(string Stage, int Epoch, int Epochs, double ValidationLoss, double ValidationQuality);
