namespace Gateway.Routing.Prediction;

/// <summary>
/// Empirical-Bayes estimate of a new model's capability vector from its aptitude results. A task's accuracy
/// measured on n items has binomial noise of variance about p(1 − p)/n; the router's models spread around their
/// mean μ_t with variance τ²_t. The posterior mean, (τ²·measured + σ²·μ)/(τ² + σ²), pulls each measured accuracy
/// towards the other models' mean by as much as the measurement is noisy compared with how much models differ on
/// that task. Without it, the tasks where a few items happened to flatter the model are the ones it gets routed,
/// the winner's curse of choosing the best-looking of several estimates.
/// </summary>
internal static class CapabilityShrinkage
{
    public const int MinimumReferences = 3;

    /// <param name="measured">The model's per-task accuracy on the aptitude items.</param>
    /// <param name="references">The capability vectors of the router's other models; with fewer than
    /// <see cref="MinimumReferences"/> their spread says too little, and the measured vector is returned.</param>
    /// <param name="itemsPerTask">Items behind each measured accuracy.</param>
    public static float[] Shrink(float[] measured, IReadOnlyCollection<float[]> references, int itemsPerTask)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(references);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemsPerTask, 1);
        if (references.Count < MinimumReferences)
        {
            return (float[])measured.Clone();
        }

        var shrunk = new float[measured.Length];
        for (var t = 0; t < measured.Length; t++)
        {
            var values = references.Select(r => (double)r[t]).ToArray();
            var mean = values.Average();
            var between = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            var noise = values.Average(v => v * (1 - v)) / itemsPerTask;
            shrunk[t] = between + noise <= 0
                ? measured[t]
                : (float)(((between * measured[t]) + (noise * mean)) / (between + noise));
        }

        return shrunk;
    }
}
