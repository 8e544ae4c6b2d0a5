using System.ComponentModel.DataAnnotations;
using Gateway.Inference.Pool;

namespace Gateway.ModelServer;

/// <summary>What one ModelServer process serves; bound from the <c>ModelServer</c> section or the command line.</summary>
public sealed record ModelServerOptions : IValidatableObject
{
    public const string SectionName = "ModelServer";

    /// <summary>Path of the GGUF file to serve.</summary>
    [Required]
    public string Path { get; init; } = "";

    /// <summary>Model id reported by <c>/v1/models</c> and in responses; defaults to the file name.</summary>
    public string? Name { get; init; }

    /// <summary>Context length available to each sequence.</summary>
    [Range(64, 1 << 20)]
    public int ContextSize { get; init; } = 2048;

    /// <summary>Sequences decoded together; further requests queue.</summary>
    [Range(1, 256)]
    public int ParallelSequences { get; init; } = 4;

    /// <summary>Requests that may wait for a sequence before new ones get 429.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; init; } = 64;

    /// <summary>Layers offloaded to the GPU (needs a GPU-enabled native library).</summary>
    [Range(0, 10_000)]
    public int GpuLayers { get; init; }

    /// <summary>CPU threads for decoding, single and batched steps; unset, every core the process may use.</summary>
    [Range(1, 1024)]
    public int? Threads { get; init; }

    /// <summary>
    /// One KV cache shared by every sequence (llama.cpp's unified cache) instead of one per sequence. Shared, each
    /// token attends over the cells of every sequence in the batch (masked), so attention costs grow with the number
    /// of sequences; per sequence, the scheduler keeps the busy sequences on consecutive ids so that one step is still
    /// one pass over the weights.
    /// </summary>
    public bool SharedKvCache { get; init; }

    /// <summary>
    /// Reuses the KV cache of a prompt prefix another request already decoded: a finished request's cache stays with
    /// its sequence until the sequence is taken again, and a request that shares the prefix of a decoding one copies
    /// its cache. Repeated system prompts and the earlier turns of a conversation are then not decoded again.
    /// </summary>
    public bool PrefixCache { get; init; } = true;

    /// <summary>
    /// Element type of the KV cache: <c>f16</c> (default), <c>bf16</c>, <c>f32</c>, or quantised <c>q8_0</c> or
    /// <c>q4_0</c>, which hold about half or a quarter of the f16 cache's bytes and need flash attention.
    /// </summary>
    [RegularExpression(KvCacheRules.TypePattern, ErrorMessage = KvCacheRules.TypeError)]
    public string? KvCacheType { get; init; }

    /// <summary>Flash attention: <c>auto</c> (default: llama.cpp's choice for the device), <c>on</c> or <c>off</c>.</summary>
    [RegularExpression(KvCacheRules.FlashAttentionPattern, ErrorMessage = KvCacheRules.FlashAttentionError)]
    public string? FlashAttention { get; init; }

    /// <summary>Rules between options: a quantised KV cache needs flash attention.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => KvCacheRules.Validate(KvCacheType, FlashAttention);

    /// <summary>
    /// Jinja chat template replacing the one in the GGUF metadata (<c>tokenizer.chat_template</c>). Unlike the GGUF's,
    /// an override the engine cannot parse fails the load.
    /// </summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// How the model writes tool calls: <c>auto</c> (default) detects the family from the chat template, as llama.cpp
    /// does; <c>generic</c>, <c>hermes</c>, <c>llama3</c>, <c>mistral</c>, <c>mistral-args</c>, <c>firefunction</c> or <c>functionary</c> force one.
    /// </summary>
    [RegularExpression(Gateway.Inference.Protocol.ToolFormats.ToolCallFamilies.OptionPattern, ErrorMessage = "ToolFormat must be auto, generic, hermes, llama3, mistral, mistral-args, firefunction or functionary.")]
    public string ToolFormat { get; init; } = "auto";

    /// <summary>A llama.cpp native library (file) or a folder holding one, loaded instead of the bundled CPU build.</summary>
    public string? NativeLibraryPath { get; init; }

    /// <summary>Tokens decoded per step across all sequences (prompt chunks and generated tokens).</summary>
    [Range(32, 1 << 16)]
    public int BatchSize { get; init; } = 512;

    /// <summary>
    /// How free JSON under a grammar (response formats, tool arguments) is: <c>full</c> (any string, any size),
    /// <c>compact</c> (short plain strings, small collections, for models that cannot be relied on to close them), or
    /// <c>auto</c>: compact for models under <see cref="CompactJsonParameterLimit"/> parameters, full otherwise.
    /// </summary>
    [RegularExpression("^(auto|full|compact)$", ErrorMessage = "JsonGrammar must be auto, full or compact.")]
    public string JsonGrammar { get; init; } = "auto";

    /// <summary>Below this many parameters, <c>auto</c> picks the compact JSON grammar.</summary>
    public const long CompactJsonParameterLimit = 50_000_000;

    /// <summary>
    /// The key every request must carry as <c>Authorization: Bearer KEY</c> (only <c>GET /alive</c> is open). A
    /// supervising gateway sets a fresh one for each launch in the <c>GATEWAY_MODELSERVER_API_KEY</c> variable; a
    /// server run on its own takes it from that variable too (or <c>ModelServer:ApiKey</c>). Without one the server
    /// refuses to listen on any address but loopback. Never logged.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// How long the decode loop may go without progress while work waits before <c>/health</c> and <c>/alive</c>
    /// report it stalled (503), so that a supervisor restarts it. Default 30 s; 1 s to 1 h. A decode step on a slow
    /// device (a long prompt chunk of a large model on a CPU) must fit well within it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Exit when this process id exits, so a crashed supervisor leaves no orphans.</summary>
    public int? ParentProcessId { get; init; }

    public string ModelId => string.IsNullOrWhiteSpace(Name) ? System.IO.Path.GetFileNameWithoutExtension(Path) : Name;
}
