namespace Gateway.Embeddings;

/// <summary>Turns a prompt into a fixed-size, L2-normalised embedding (what the router's quality predictor and tool retrieval read).</summary>
public interface IPromptEncoder
{
    /// <summary>Identifies the encoder and its version; a router artefact trained with another encoder is rejected.</summary>
    string Id { get; }

    /// <summary>Length of every embedding this encoder returns.</summary>
    int Dimension { get; }

    /// <summary>Encodes one prompt.</summary>
    float[] Encode(string prompt);

    /// <summary>Encodes several prompts; implementations may batch them.</summary>
    IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts);
}
