namespace Gateway.Craft.Creation;

/// <summary>Settings of one tool-creation run.</summary>
public sealed record ToolCreationOptions
{
    /// <summary>How many diverse problems to make tools from. Default 20.</summary>
    public int SampleSize { get; init; } = 20;

    /// <summary>Seeds the sample and the model's sampling.</summary>
    public int Seed { get; init; }

    /// <summary>The model to ask (e.g. <c>auto</c>); null leaves it to the chat client.</summary>
    public string? Model { get; init; }

    /// <summary>Tokens of each model reply. Default 1024.</summary>
    public int MaxOutputTokens { get; init; } = 1024;

    /// <summary>Sampling temperature of the model. Default 0.</summary>
    public float Temperature { get; init; }

    /// <summary>Cosine similarity of name and docstring above which two tools are duplicates. Default 0.95.</summary>
    public double DuplicateSimilarity { get; init; } = 0.95;

    /// <summary>Description written into the toolset's manifest.</summary>
    public string Description { get; init; } = "";
}
