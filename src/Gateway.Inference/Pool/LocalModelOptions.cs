using System.ComponentModel.DataAnnotations;

namespace Gateway.Inference.Pool;

/// <summary>
/// One locally served model, bound from <c>Gateway:Models:&lt;name&gt;</c>. The pool serves it from a
/// <c>Gateway.ModelServer</c> child process.
/// </summary>
public sealed record LocalModelOptions : IValidatableObject
{
    /// <summary>Catalog provider; the pool takes entries whose provider is <c>local</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>Path of the GGUF file.</summary>
    [Required]
    public string Path { get; init; } = "";

    /// <summary>Context length available to each parallel sequence.</summary>
    [Range(64, 1 << 20)]
    public int ContextSize { get; init; } = 2048;

    /// <summary>Requests decoded together in one batch; more wait in the model server's queue.</summary>
    [Range(1, 256)]
    public int ParallelSequences { get; init; } = 4;

    /// <summary>Requests that may queue for a sequence before the model server answers 429.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; init; } = 64;

    /// <summary>Layers offloaded to the GPU; needs <see cref="NativeLibraryPath"/> pointing at a GPU build.</summary>
    [Range(0, 10_000)]
    public int GpuLayers { get; init; }

    /// <summary>CPU threads for decoding, single and batched steps; unset, every core the process may use.</summary>
    [Range(1, 1024)]
    public int? Threads { get; init; }

    /// <summary>One KV cache for all sequences instead of one per sequence (see the model server's option of that name).</summary>
    public bool SharedKvCache { get; init; }

    /// <summary>Reuse the KV cache of prompt prefixes other requests decoded (see the model server's option of that name).</summary>
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

    /// <summary>JSON under a grammar: <c>auto</c> (default), <c>full</c> or <c>compact</c> (see the model server's option of that name).</summary>
    [RegularExpression("^(auto|full|compact)$", ErrorMessage = "JsonGrammar must be auto, full or compact.")]
    public string? JsonGrammar { get; init; }

    /// <summary>Chat template replacing the one in the GGUF metadata.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// How the model writes tool calls: <c>auto</c> (default: detected from the chat template), or one of
    /// <c>generic</c>, <c>hermes</c>, <c>llama3</c>, <c>mistral</c>, <c>mistral-args</c>, <c>firefunction</c>, <c>functionary</c> to force it.
    /// </summary>
    [RegularExpression(Protocol.ToolFormats.ToolCallFamilies.OptionPattern, ErrorMessage = "ToolFormat must be auto, generic, hermes, llama3, mistral, mistral-args, firefunction or functionary.")]
    public string? ToolFormat { get; init; }

    /// <summary>Unload after this long without requests; unset keeps the model until evicted or unloaded.</summary>
    public TimeSpan? KeepAlive { get; init; }

    /// <summary>A llama.cpp native library (file, or folder holding libllama) to load instead of the bundled CPU build.</summary>
    public string? NativeLibraryPath { get; init; }

    /// <summary>Start when the gateway starts rather than on the first request.</summary>
    public bool Eager { get; init; }

    /// <summary>Memory the model is charged against the pool budget; unset uses the file size times the pool's factor.</summary>
    [Range(0, long.MaxValue)]
    public long? MemoryBytes { get; init; }

    /// <summary>Whether this catalog entry is served by the local pool.</summary>
    public bool IsLocal => string.Equals(Provider, "local", StringComparison.OrdinalIgnoreCase)
        || (Provider is null && !string.IsNullOrWhiteSpace(Path));
}
