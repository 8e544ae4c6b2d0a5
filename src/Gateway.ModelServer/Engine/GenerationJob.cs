using System.Threading.Channels;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>How to pick tokens for one request.</summary>
internal sealed record SamplingSettings(float Temperature, float TopP, uint Seed, string? Grammar, IReadOnlyDictionary<int, float>? LogitBias = null);

/// <summary>What a generation produces: text as it is decoded, then one final summary.</summary>
internal abstract record GenerationEvent
{
    public sealed record Text(string Content) : GenerationEvent;

    public sealed record Finished(string FinishReason, int PromptTokens, int CompletionTokens, int PeakBatch) : GenerationEvent;

    public sealed record Failed(string Message) : GenerationEvent;
}

/// <summary>One request's generation, handed to the scheduler and read back through <see cref="Events"/>.</summary>
internal sealed class GenerationJob(LLamaToken[] prompt, int maxTokens, IReadOnlyList<string> stops, SamplingSettings sampling, CancellationToken cancellation)
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new() { SingleReader = true, SingleWriter = true });

    public LLamaToken[] Prompt { get; } = prompt;
    public int MaxTokens { get; } = maxTokens;
    public IReadOnlyList<string> Stops { get; } = stops;
    public SamplingSettings Sampling { get; } = sampling;
    public CancellationToken Cancellation { get; } = cancellation;
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    internal void Emit(GenerationEvent e) => _events.Writer.TryWrite(e);

    internal void Close() => _events.Writer.TryComplete();
}
