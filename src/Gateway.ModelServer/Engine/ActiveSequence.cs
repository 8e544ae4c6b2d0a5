using Gateway.Inference.Protocol;
using Gateway.Inference.Protocol.ToolFormats;
using LLama;
using LLama.Native;
using LLama.Sampling;

namespace Gateway.ModelServer.Engine;

/// <summary>A job bound to a KV-cache sequence while the scheduler decodes it.</summary>
internal sealed class ActiveSequence : IDisposable
{
    public ActiveSequence(GenerationJob job, LLamaSeqId sequence, LoadedModel model)
    {
        Job = job;
        Sequence = sequence;
        // Checked when the request was admitted; a grammar refused now still fails this request alone.
        var lazy = job.Sampling is { Grammar: { } lazyGbnf, Lazy: { } start }
            ? new LazyGrammar(lazyGbnf, start.Root, new LazyTrigger(start.Anywhere, start.AtStart, start.ThinkingOpen, start.OnThinkingEnd))
            : null;
        var grammar = lazy is null && job.Sampling.Grammar is { } gbnf
            ? GrammarSampler.TryCreate(model.Weights.NativeHandle, gbnf) ?? throw new GrammarDeadEndException("llama.cpp refused the grammar.")
            : null;
        var pipeline = new DefaultSamplingPipeline
        {
            Temperature = job.Sampling.Temperature,
            TopP = job.Sampling.TopP,
            TopK = job.Sampling.TopK,
            MinP = job.Sampling.MinP,
            Seed = job.Sampling.Seed,
            LogitBias = job.Sampling.LogitBias?.ToDictionary(kv => (LLamaToken)kv.Key, kv => kv.Value) ?? [],
            PresencePenalty = job.Sampling.PresencePenalty,
            FrequencyPenalty = job.Sampling.FrequencyPenalty,

            // OpenAI's penalties count every token generated so far, not a recent window.
            PenaltyCount = job.Sampling.PresencePenalty != 0 || job.Sampling.FrequencyPenalty != 0 ? Math.Max(64, job.MaxTokens) : 64,
        };
        Sampler = new TokenSampler(pipeline, grammar, lazy);
        Decoder = new StreamingTokenDecoder(model.Context);
        StopBuffer = new StopSequenceBuffer(job.Stops);
    }

    public GenerationJob Job { get; }
    /// <summary>The KV-cache sequence; the scheduler may move a sequence to a lower id between steps.</summary>
    public LLamaSeqId Sequence { get; set; }
    public TokenSampler Sampler { get; }
    public StreamingTokenDecoder Decoder { get; }
    public StopSequenceBuffer StopBuffer { get; }

    /// <summary>Prompt tokens already in the KV cache.</summary>
    public int Prefilled { get; set; }

    /// <summary>Next position in the sequence.</summary>
    public int Position { get; set; }

    /// <summary>The sampled token still to be fed back, when generating.</summary>
    public LLamaToken? NextToken { get; set; }

    /// <summary>Prompt positions in the current batch whose logits score the next prompt token (echoed prompts with logprobs).</summary>
    public List<(int Position, int Index)> PromptLogits { get; } = [];

    /// <summary>Index of this sequence's logits in the current batch, or -1.</summary>
    public int LogitIndex { get; set; } = -1;

    /// <summary>The tokens in this sequence's KV cache, in position order: its prompt as decoded, then its output.</summary>
    public List<LLamaToken> Cached { get; } = [];

    /// <summary>A sequence still decoding the prompt prefix this one will copy, once it has <see cref="WaitKeep"/> tokens.</summary>
    public ActiveSequence? WaitFor { get; set; }

    public int WaitKeep { get; set; }

    /// <summary>Prompt tokens taken from another request's cache instead of decoded (usage's <c>cached_tokens</c>).</summary>
    public int ReusedTokens { get; set; }

    public int Generated { get; set; }
    public int PeakBatch { get; set; }

    public bool Prefilling => Prefilled < Job.Prompt.Length;

    /// <summary>
    /// The tokens this sequence's cache will hold before it generates: its decoded tokens, or its whole prompt while
    /// it is still decoding that (a request with the same prefix can wait for it rather than decode the prefix too).
    /// </summary>
    public IReadOnlyList<LLamaToken> Prospective => Prefilling ? Job.Prompt : Cached;

    public void Dispose() => Sampler.Dispose();
}
