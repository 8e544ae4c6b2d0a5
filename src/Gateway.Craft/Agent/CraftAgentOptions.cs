using Gateway.Craft.Retrieval;

namespace Gateway.Craft.Agent;

/// <summary>Settings of <see cref="CraftAgent"/> (section <c>Gateway:Craft:Agent</c>).</summary>
public sealed record CraftAgentOptions
{
    /// <summary>Toolsets to retrieve from; empty means every stored toolset.</summary>
    public IReadOnlyList<string> Toolsets { get; init; } = [];

    /// <summary>The model the agent asks (e.g. <c>auto</c>); null leaves it to the chat client.</summary>
    public string? Model { get; init; }

    /// <summary>Tries at writing working code; after a failure the model sees the error. Default 2.</summary>
    public int MaxAttempts { get; init; } = 2;

    /// <summary>Tokens of each code reply. Default 1024.</summary>
    public int MaxOutputTokens { get; init; } = 1024;

    /// <summary>Sampling temperature of each code reply. Default 0: the most likely code.</summary>
    public float Temperature { get; init; }

    /// <summary>How tools are retrieved for a problem (<c>Gateway:Craft:Agent:Retrieval</c>). Default: the <see cref="RetrievalOptions"/> defaults.</summary>
    public RetrievalOptions Retrieval { get; init; } = new();
}
