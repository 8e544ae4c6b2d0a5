using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Decision;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

/// <summary>Small routers with predictable predictions for objective and constraint tests.</summary>
internal static class RouterTestKit
{
    public const int Dimension = 32;

    public static readonly IReadOnlyList<string> Tasks = ["alpha", "beta"];

    /// <summary>
    /// An artefact whose predictor ignores the prompt: uniform task affinity, only the α·logit(a·c) term, so a
    /// model's predicted quality is the mean of its capability vector.
    /// </summary>
    public static RouterArtifact Artifact(params (string Model, float Quality)[] models)
    {
        var weights = new PredictorWeights(
            Dimension, Tasks, 0,
            new float[Tasks.Count * (Dimension + 1)], [],
            new float[(Tasks.Count + 1) * (Dimension + 1)], new float[Tasks.Count * Tasks.Count],
            1f, 0f);
        var capabilities = models.ToDictionary(m => m.Model, m => new[] { m.Quality, m.Quality });
        return new RouterArtifact(new HashingPromptEncoder(Dimension).Id, weights, capabilities, "test", DateTimeOffset.UnixEpoch);
    }

    public static LearnedRouter Router(RouterArtifact artifact, IReadOnlyList<CandidateDescriptor> candidates, TimeProvider? time = null) =>
        RouterFactory.Create(artifact, candidates, new HashingPromptEncoder(Dimension), time ?? new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
