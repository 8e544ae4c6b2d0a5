using System.Threading.Channels;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// How to pick tokens for one request; <paramref name="Logprobs"/>, when set, reports each sampled token's log
/// probability with that many alternatives, and <paramref name="PromptLogprobs"/> each prompt token's as well.
/// </summary>
internal sealed record SamplingSettings(
    float Temperature, float TopP, uint Seed, string? Grammar, IReadOnlyDictionary<int, float>? LogitBias = null,
    float PresencePenalty = 0, float FrequencyPenalty = 0, int? Logprobs = null,
    int TopK = SamplingSettings.DefaultTopK, float MinP = SamplingSettings.DefaultMinP, bool PromptLogprobs = false)
{
    /// <summary>When set, <see cref="Grammar"/> applies only from this trigger on (<c>tool_choice: auto</c>, or a call required after thinking).</summary>
    public LazyGrammarStart? Lazy { get; init; }

    /// <summary>Special tokens rendered as text (a tool-call family's markers), which are otherwise left out of the output.</summary>
    public IReadOnlySet<int>? RenderedSpecialTokens { get; init; }

    /// <summary>llama.cpp-style truncation kept by default (top-k 40, min-p 0.1); a request's <c>top_k</c>/<c>min_p</c> override it.</summary>
    public const int DefaultTopK = 40;

    public const float DefaultMinP = 0.1f;
}

/// <summary>Where a lazy grammar starts to apply, and the rule it then starts from.</summary>
/// <param name="Anywhere">Texts that trigger it wherever they appear in the answer (outside the thinking).</param>
/// <param name="AtStart">Texts that trigger it only as the first thing the answer says.</param>
/// <param name="ThinkingOpen">Whether the prompt already opened the model's thinking.</param>
/// <param name="OnThinkingEnd">Trigger at the end of the thinking instead.</param>
/// <param name="Root">The grammar rule the triggered text must match from the trigger on.</param>
internal sealed record LazyGrammarStart(IReadOnlyList<string> Anywhere, IReadOnlyList<string> AtStart, bool ThinkingOpen, bool OnThinkingEnd, string Root);

/// <summary>What a generation produces: text as it is decoded, then one final summary.</summary>
internal abstract record GenerationEvent
{
    public sealed record Text(string Content) : GenerationEvent;

    /// <summary>
    /// A token's log probability (when the request asked for them): a sampled token's comes before the text it adds;
    /// prompt tokens' (for an echoed prompt) come first of all, in prompt order.
    /// </summary>
    public sealed record Logprob(TokenLogprob Token) : GenerationEvent;

    /// <summary>The end of a generation; <paramref name="CachedTokens"/> of the prompt tokens came from the prefix cache.</summary>
    public sealed record Finished(string FinishReason, int PromptTokens, int CompletionTokens, int PeakBatch, int CachedTokens = 0, string? MatchedStop = null) : GenerationEvent;

    public sealed record Failed(string Message) : GenerationEvent;
}

/// <summary>One request's generation, handed to the scheduler and read back through <see cref="Events"/>.</summary>
/// <remarks>
/// A <see cref="Background"/> job (a batch line, marked by the gateway) waits in its own queue and takes a sequence
/// only when no interactive job waits (see <see cref="BatchScheduler"/>).
/// </remarks>
internal sealed class GenerationJob(
    LLamaToken[] prompt, int maxTokens, IReadOnlyList<string> stops, SamplingSettings sampling, CancellationToken cancellation, bool background = false)
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new() { SingleReader = true, SingleWriter = true });
    private int _slotReleased;

    public LLamaToken[] Prompt { get; } = prompt;
    public int MaxTokens { get; } = maxTokens;
    public IReadOnlyList<string> Stops { get; } = stops;
    public SamplingSettings Sampling { get; } = sampling;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Low priority: admitted only into a sequence no interactive job waits for.</summary>
    public bool Background { get; } = background;

    /// <summary>A chat request's answer format (tool-call family, thinking); null for completions.</summary>
    public Api.ChatOutput? Chat { get; init; }
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    internal void Emit(GenerationEvent e) => _events.Writer.TryWrite(e);

    internal void Close() => _events.Writer.TryComplete();

    /// <summary>True the first time only: the job's admission slot is given back exactly once, whoever gets there first.</summary>
    internal bool TryReleaseSlot() => Interlocked.Exchange(ref _slotReleased, 1) == 0;
}
