using Gateway.ModelServer.Api;
using LLama;

namespace Gateway.ModelServer.Engine;

/// <summary>Embeds text with the served weights in a separate, lazily created embedding context.</summary>
internal sealed class EmbeddingService(LoadedModel model, BatchScheduler scheduler) : IDisposable
{
    private LLamaEmbedder? _embedder;

    public async Task<(float[] Vector, int Tokens)> EmbedAsync(string text, CancellationToken cancellation)
    {
        var tokens = model.Tokenize(text, addBos: true, special: false).Length;
        if (tokens >= model.Options.ContextSize)
        {
            throw ApiException.BadRequest($"The input is {tokens} tokens; this model's context is {model.Options.ContextSize} tokens.", "input", "context_length_exceeded");
        }
        // Embedding decodes too, so it runs on the scheduler thread between generation steps.
        var vector = await scheduler.RunBetweenStepsAsync(() =>
        {
            _embedder ??= new LLamaEmbedder(model.Weights, LoadedModel.CreateParameters(model.Options, embeddings: true));
            return _embedder.GetEmbeddings(text, CancellationToken.None).GetAwaiter().GetResult()[0];
        }, cancellation);
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return (norm > 0 ? vector.Select(v => v / norm).ToArray() : vector, tokens);
    }

    public void Dispose()
    {
        _embedder?.Dispose();
    }
}
