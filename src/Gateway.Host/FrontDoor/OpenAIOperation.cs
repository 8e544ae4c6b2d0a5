namespace Gateway.Host.FrontDoor;

/// <summary>The proxied OpenAI operations; each has its own required fields.</summary>
internal enum OpenAIOperation
{
    ChatCompletions,
    Completions,
    Embeddings,
}
