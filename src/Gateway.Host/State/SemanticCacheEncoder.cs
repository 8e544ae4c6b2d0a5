using Gateway.Embeddings;

namespace Gateway.Host.State;

/// <summary>
/// The semantic cache's text encoder, created on the first semantic lookup: a gateway whose callers never ask for
/// the semantic cache never loads the model (about 90 MB and a second of start-up).
/// </summary>
internal sealed class SemanticCacheEncoder(Func<IPromptEncoder> create)
{
    private readonly Lazy<IPromptEncoder> _encoder = new(create);

    /// <summary>The shared all-MiniLM-L6-v2 encoder (<see cref="PromptEncoders.Default"/>).</summary>
    public static SemanticCacheEncoder MiniLm() => new(() => PromptEncoders.Default);

    public IPromptEncoder Encoder => _encoder.Value;
}
