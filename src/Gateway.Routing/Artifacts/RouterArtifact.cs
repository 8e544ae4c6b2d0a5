using Gateway.Routing.Costs;
using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>A trained router in memory: predictor weights, the task space and every known model's capability vector.</summary>
/// <param name="EncoderId">The encoder the predictor was trained with.</param>
/// <param name="Weights">Predictor weights (they carry the dimension and the task list).</param>
/// <param name="Capabilities">Capability vector per model name, in <see cref="PredictorWeights.Tasks"/> order.</param>
/// <param name="Dataset">Name of the data the predictor was trained on.</param>
/// <param name="CreatedUtc">When it was trained.</param>
internal sealed record RouterArtifact(
    string EncoderId,
    PredictorWeights Weights,
    IReadOnlyDictionary<string, float[]> Capabilities,
    string Dataset,
    DateTimeOffset CreatedUtc)
{
    private static readonly IReadOnlyDictionary<string, CallCostFit> NoCosts = new Dictionary<string, CallCostFit>(StringComparer.Ordinal);

    public IReadOnlyList<string> Tasks => Weights.Tasks;

    /// <summary>
    /// Expected cost of a call per model, learned from the data's per-call costs; empty when the data had none
    /// (then every model is priced from its price per million tokens).
    /// </summary>
    public IReadOnlyDictionary<string, CallCostFit> Costs { get; init; } = NoCosts;

    /// <summary>A copy with one more (or a replaced) capability vector: onboarding, no retraining.</summary>
    public RouterArtifact WithCapability(string model, float[] vector)
    {
        if (vector.Length != Tasks.Count)
        {
            throw new RouterArtifactException($"Capability vector for '{model}' has {vector.Length} tasks; the router has {Tasks.Count}.");
        }

        var copy = new Dictionary<string, float[]>(Capabilities, StringComparer.Ordinal) { [model] = vector };
        return this with { Capabilities = copy };
    }
}
