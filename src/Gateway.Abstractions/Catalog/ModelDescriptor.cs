namespace Gateway.Catalog;

/// <summary>
/// What the gateway knows about one model in its catalog, independent of how it is served.
/// The router reads these facts to apply constraints (size, price, context, recency).
/// </summary>
/// <param name="Name">The name clients send in <c>model</c>.</param>
/// <param name="Provider">How the model is served: <see cref="ModelProviders.OpenAICompatible"/>, <see cref="ModelProviders.Local"/> or <see cref="ModelProviders.Anthropic"/>.</param>
/// <param name="ParamsB">Parameter count in billions, when known.</param>
/// <param name="InputPricePerMTok">USD per million prompt tokens.</param>
/// <param name="OutputPricePerMTok">USD per million completion tokens.</param>
/// <param name="ContextLength">Maximum context in tokens, when known.</param>
/// <param name="ReleaseDate">Release date, when known; drives the recency term.</param>
/// <param name="Tags">Free-form labels (e.g. <c>code</c>, <c>math</c>).</param>
public sealed record ModelDescriptor(
    string Name,
    string Provider,
    double? ParamsB,
    decimal InputPricePerMTok,
    decimal OutputPricePerMTok,
    int? ContextLength,
    DateOnly? ReleaseDate,
    IReadOnlyList<string> Tags);

/// <summary>Provider names accepted in the catalog.</summary>
public static class ModelProviders
{
    /// <summary>Any server that speaks the OpenAI HTTP API (vLLM, llama.cpp, Ollama, OpenAI).</summary>
    public const string OpenAICompatible = "openai-compatible";

    /// <summary>A GGUF file served by a supervised <c>Gateway.ModelServer</c> process.</summary>
    public const string Local = "local";

    /// <summary>Anthropic's Messages API (<c>POST /v1/messages</c>): chat completions are translated to it and back.</summary>
    public const string Anthropic = "anthropic";
}
