using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// Stacks three estimates of a candidate's quality on a prompt:
/// <code>
/// quality = w_router · predictor + w_neighbours · neighbour estimate + w_prior · prior
/// </code>
/// The neighbour estimate is the model's score averaged over similar train prompts (<see cref="NeighbourIndex"/>);
/// the prior is the model's mean train score, so the blend leans towards the best single model as far as the
/// validation part of train showed the per-prompt estimates to be unsure. A model the index does not score (one
/// onboarded later) is estimated from its capability vector instead: the neighbours' task shares (or the train
/// split's, for the prior) weighting its per-task accuracy. The weights and τ are chosen on a validation part of
/// the train split (<see cref="QualityBlendFit"/>).
/// </summary>
/// <param name="RouterWeight">Weight of the predictor's quality.</param>
/// <param name="NeighbourWeight">Weight of the neighbour estimate.</param>
/// <param name="PriorWeight">Weight of the model's mean train score.</param>
/// <param name="Temperature">τ of the neighbour kernel.</param>
/// <param name="Models">The training models, which <paramref name="Priors"/> and the index score.</param>
/// <param name="Priors">Mean train score per model, in <paramref name="Models"/> order.</param>
/// <param name="Index">The train prompts; null when the neighbour weight is 0 (nothing to ship).</param>
/// <param name="TaskShares">Each task's share of the train prompts.</param>
internal sealed record QualityBlend(
    float RouterWeight,
    float NeighbourWeight,
    float PriorWeight,
    float Temperature,
    IReadOnlyList<string> Models,
    float[] Priors,
    NeighbourIndex? Index,
    float[] TaskShares)
{
    /// <summary>True when the weights are non-negative and sum to 1, τ is positive and the arrays match the index.</summary>
    public bool IsValid =>
        RouterWeight >= 0 && NeighbourWeight >= 0 && PriorWeight >= 0 && Math.Abs(RouterWeight + NeighbourWeight + PriorWeight - 1) < 1e-3
        && float.IsFinite(Temperature) && Temperature > 0
        && Priors.Length == Models.Count && Array.TrueForAll(Priors, p => p is >= 0 and <= 1)
        && Array.TrueForAll(TaskShares, s => s is >= 0 and <= 1)
        && (Index is null ? NeighbourWeight == 0 : Index.Models.SequenceEqual(Models) && Index.Tasks == TaskShares.Length);

    /// <summary>The per-prompt part: each indexed model's neighbour estimate and the neighbours' task shares.</summary>
    public Estimate Prepare(ReadOnlySpan<float> embedding)
    {
        var estimate = new Estimate(new float[Models.Count], new float[TaskShares.Length]);
        if (Index is not null && NeighbourWeight > 0)
        {
            Index.Estimate(embedding, Temperature, estimate.Models, estimate.TaskShares);
        }

        return estimate;
    }

    /// <summary>
    /// The blended quality of a candidate: <paramref name="indexed"/> is its position in <see cref="Models"/>
    /// (−1 when the training data did not score it).
    /// </summary>
    public double Combine(double predicted, Estimate estimate, int indexed, ReadOnlySpan<float> capability)
    {
        double neighbours, prior;
        if (indexed >= 0)
        {
            (neighbours, prior) = (estimate.Models[indexed], Priors[indexed]);
        }
        else
        {
            neighbours = NeighbourWeight > 0 ? TensorPrimitives.Dot(estimate.TaskShares, capability) : 0;
            prior = TensorPrimitives.Dot(TaskShares, capability);
        }

        return (RouterWeight * predicted) + (NeighbourWeight * neighbours) + (PriorWeight * prior);
    }

    /// <summary>What <see cref="Prepare"/> computes once per prompt.</summary>
    internal sealed record Estimate(float[] Models, float[] TaskShares);
}
