namespace Gateway.Embeddings;

/// <summary>The encoders shared by everything in one process that embeds text.</summary>
public static class PromptEncoders
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<IPromptEncoder>> SharedMiniLm = new();

    /// <summary>
    /// The default encoder: MiniLM (embedded in the package, nothing downloaded) behind a bounded cache keyed by
    /// prompt hash. One instance is shared per process; loading the ONNX model takes about a second.
    /// </summary>
    public static IPromptEncoder Default => MiniLm(MiniLmPromptEncoder.DefaultMaxTokens);

    /// <summary>The shared, cached MiniLM encoder reading at most <paramref name="maxTokens"/> tokens of a prompt.</summary>
    internal static IPromptEncoder MiniLm(int maxTokens) =>
        SharedMiniLm.GetOrAdd(maxTokens, n => new Lazy<IPromptEncoder>(() => new CachingPromptEncoder(new MiniLmPromptEncoder(n)))).Value;
}
