namespace Gateway.Routing.Prediction;

/// <summary>
/// The learned parameters of <see cref="QualityPredictor"/>. Matrices are row-major <c>float[]</c>s.
/// </summary>
/// <param name="Dimension">Embedding length D.</param>
/// <param name="Tasks">Aptitude task names, T of them; capability vectors follow this order.</param>
/// <param name="Hidden">Hidden units H of the prompt feature layer.</param>
/// <param name="Affinity">T × (D+1): task affinity logits of the prompt (softmax over tasks).</param>
/// <param name="HiddenWeights">H × (D+1): prompt feature layer (ReLU).</param>
/// <param name="Bilinear">(T+1) × Z with Z = D+H+1: prompt features × [capability; 1].</param>
/// <param name="Cross">T × T: task affinity × capability.</param>
/// <param name="Alpha">Weight of the logit of the affinity-weighted capability.</param>
/// <param name="Bias">Global bias.</param>
internal sealed record PredictorWeights(
    int Dimension,
    IReadOnlyList<string> Tasks,
    int Hidden,
    float[] Affinity,
    float[] HiddenWeights,
    float[] Bilinear,
    float[] Cross,
    float Alpha,
    float Bias)
{
    /// <summary>Optional task-gated correction fitted on differences between models (null: none).</summary>
    public ContrastHead? Head { get; init; }

    /// <summary>
    /// Further predictors of the same shape, trained with other seeds (an ensemble); the score is the mean of
    /// every member's logit, which averages out the noise of a single training run. Empty: this one alone.
    /// </summary>
    public IReadOnlyList<PredictorWeights> Members { get; init; } = [];

    public int TaskCount => Tasks.Count;

    public int FeatureCount => Dimension + Hidden + 1;

    public static PredictorWeights Create(int dimension, IReadOnlyList<string> tasks, int hidden, Random random)
    {
        var t = tasks.Count;
        var hiddenWeights = new float[hidden * (dimension + 1)];
        var scale = (float)Math.Sqrt(2.0 / dimension);
        for (var i = 0; i < hiddenWeights.Length; i++)
        {
            hiddenWeights[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }

        return new PredictorWeights(
            dimension, tasks, hidden,
            new float[t * (dimension + 1)],
            hiddenWeights,
            new float[(t + 1) * (dimension + hidden + 1)],
            new float[t * t],
            1f,
            0f);
    }

    /// <summary>Throws when the arrays do not match the declared shapes (a corrupt or hand-edited artefact).</summary>
    public void Validate()
    {
        var t = TaskCount;
        Check(Affinity.Length == t * (Dimension + 1), nameof(Affinity));
        Check(HiddenWeights.Length == Hidden * (Dimension + 1), nameof(HiddenWeights));
        Check(Bilinear.Length == (t + 1) * FeatureCount, nameof(Bilinear));
        Check(Cross.Length == t * t, nameof(Cross));
        Check(float.IsFinite(Alpha) && float.IsFinite(Bias), "scalars");
        foreach (var array in new[] { Affinity, HiddenWeights, Bilinear, Cross })
        {
            Check(Array.TrueForAll(array, float.IsFinite), "finite weights");
        }

        Head?.Validate(t, Dimension);
        foreach (var member in Members)
        {
            Check(member.Dimension == Dimension && member.Hidden == Hidden && member.Tasks.SequenceEqual(Tasks) && member.Members.Count == 0, "ensemble member shape");
            member.Validate();
        }

        static void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidDataException($"Predictor weights are malformed: {what}.");
            }
        }
    }
}
