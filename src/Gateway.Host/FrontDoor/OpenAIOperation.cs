namespace Gateway.Host.FrontDoor;

/// <summary>The proxied OpenAI operations; each has its own required fields.</summary>
public enum OpenAIOperation
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/completions</c>.</summary>
    Completions,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,
}
