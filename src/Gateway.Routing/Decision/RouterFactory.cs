using Gateway.Embeddings;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Decision;
using Gateway.Routing.Prediction;
using Microsoft.Extensions.Logging;

namespace Gateway.Routing;

/// <summary>Builds routers from artefact directories.</summary>
public static class RouterFactory
{
    /// <summary>
    /// Loads the router artefact in <paramref name="artifactDirectory"/> (see docs/router-artifact.md) and returns a
    /// router over <paramref name="candidates"/>. Without <paramref name="encoder"/>, the artefact's own encoder is
    /// created (MiniLM, shared and cached, or the hashing encoder, with shape features where the id says so). Candidates without a capability vector in the artefact are kept
    /// but never chosen (rejected as <c>no-capability-vector</c>).
    /// </summary>
    /// <exception cref="RouterArtifactException">The artefact is missing, corrupt, of another format version, or
    /// was trained with a different encoder than <paramref name="encoder"/>.</exception>
    public static IRouter Load(
        string artifactDirectory,
        IReadOnlyList<CandidateDescriptor> candidates,
        IPromptEncoder? encoder = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        var artifact = RouterArtifactStore.Load(artifactDirectory);
        encoder ??= SharedEncoderFor(artifact.EncoderId);
        if (encoder is null || encoder.Id != artifact.EncoderId || encoder.Dimension != artifact.Weights.Dimension)
        {
            throw new RouterArtifactException(
                $"The router at '{artifactDirectory}' was trained with encoder '{artifact.EncoderId}' ({artifact.Weights.Dimension} dimensions); " +
                $"the encoder given is '{encoder?.Id ?? "none"}'.");
        }

        return Create(artifact, candidates, encoder, timeProvider, logger);
    }

    /// <summary>
    /// The encoder an artefact's id names (MiniLM shared and cached, the hashing encoder, either with shape
    /// features); null when this build has none.
    /// </summary>
    internal static IPromptEncoder? SharedEncoderFor(string encoderId) => EncoderFor(encoderId, PromptEncoders.MiniLm);

    /// <summary>The encoder an id names, MiniLM ones made by <paramref name="miniLm"/> from their truncation; null when unknown.</summary>
    internal static IPromptEncoder? EncoderFor(string encoderId, Func<int, IPromptEncoder> miniLm) =>
        ShapeFeatureEncoder.InnerIdOf(encoderId) is { } innerId ? EncoderFor(innerId, miniLm) is { } inner ? new ShapeFeatureEncoder(inner) : null
        : MiniLmPromptEncoder.MaxTokensOf(encoderId) is { } maxTokens ? miniLm(maxTokens)
        : HashingPromptEncoder.DimensionOf(encoderId) is { } dimension ? new HashingPromptEncoder(dimension)
        : null;

    internal static LearnedRouter Create(
        RouterArtifact artifact,
        IReadOnlyList<CandidateDescriptor> candidates,
        IPromptEncoder encoder,
        TimeProvider? timeProvider = null,
        ILogger? logger = null) =>
        new(encoder, new QualityPredictor(artifact.Weights), artifact.Capabilities, candidates, timeProvider ?? TimeProvider.System, logger, artifact.Costs);
}
