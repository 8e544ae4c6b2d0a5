using Gateway.ModelServer.Api;
using LLama;

namespace Gateway.ModelServer.Engine;

/// <summary>Embeds text with the served weights in a separate, lazily created embedding context.</summary>
internal sealed class EmbeddingService(LoadedModel model) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LLamaEmbedder? _embedder;

    public async Task<(float[] Vector, int Tokens)> EmbedAsync(string text, CancellationToken cancellation)
    {
        var tokens = model.Tokenize(text, addBos: true, special: false).Length;
        if (tokens >= model.Options.ContextSize)
        {
            throw ApiException.BadRequest($"The input is {tokens} tokens; this model's context is {model.Options.ContextSize} tokens.", "input", "context_length_exceeded");
        }
        await _gate.WaitAsync(cancellation);
        try
        {
            _embedder ??= new LLamaEmbedder(model.Weights, LoadedModel.CreateParameters(model.Options, embeddings: true));
            var vectors = await _embedder.GetEmbeddings(text, cancellation);
            var vector = vectors[0];
            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            return (norm > 0 ? vector.Select(v => v / norm).ToArray() : vector, tokens);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _embedder?.Dispose();
        _gate.Dispose();
    }
}
