using Gateway.ModelServer.Api;
using LLama;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>Embeds text with the served weights in a separate, lazily created embedding context.</summary>
/// <remarks>
/// The embedding is decoded on the scheduler thread, synchronously. LLamaSharp's <c>LLamaEmbedder</c> decodes on a
/// thread-pool thread, and every thread that starts a llama.cpp computation gets an OpenMP thread team of its own. With
/// more OpenMP threads in the process than cores, libgomp stops spinning between parallel regions and puts its threads
/// to sleep, so after a single embedding request every generation step paid futex wake-ups: one stream of a 768 × 8
/// model decoded 20-50 % slower for the rest of the process's life (bench <c>--embedding-request</c>).
/// </remarks>
internal sealed class EmbeddingService(LoadedModel model, BatchScheduler scheduler) : IDisposable
{
    private LLamaContext? _context;
    private readonly LLamaBatch _batch = new();

    public async Task<(float[] Vector, int Tokens)> EmbedAsync(string text, CancellationToken cancellation)
    {
        var tokens = model.Tokenize(text, addBos: true, special: false);
        if (tokens.Length >= model.Options.ContextSize)
        {
            throw ApiException.BadRequest($"The input is {tokens.Length} tokens; this model's context is {model.Options.ContextSize} tokens.", "input", "context_length_exceeded");
        }
        var vector = await scheduler.RunBetweenStepsAsync(() => Embed(tokens), cancellation);
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return (norm > 0 ? vector.Select(v => v / norm).ToArray() : vector, tokens.Length);
    }

    /// <summary>Mean-pooled embedding of <paramref name="tokens"/>; runs on the scheduler thread.</summary>
    private float[] Embed(LLamaToken[] tokens)
    {
        _context ??= model.Weights.CreateContext(LoadedModel.CreateParameters(model.Options, embeddings: true));
        var handle = _context.NativeHandle;
        _batch.Clear();
        for (var i = 0; i < tokens.Length; i++)
        {
            _batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        }
        handle.MemoryClear(true);
        try
        {
            var result = _context.Decode(_batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"Embedding decode failed: {result}.");
            }
            return handle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();
        }
        finally
        {
            handle.MemoryClear(true);
        }
    }

    public void Dispose()
    {
        _context?.Dispose();
    }
}
