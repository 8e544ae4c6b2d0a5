namespace Gateway.Inference.Gguf;

/// <summary>
/// A token the tokenizer keeps whole. A control token (<c>tokenizer.ggml.token_type</c> 3) is parsed from text only
/// when the caller asks for special tokens and is left out of detokenized text; a user-defined one (type 4) is always
/// parsed and always printed, which is how real GGUFs store markers such as Qwen's <c>&lt;tool_call&gt;</c> and
/// <c>&lt;think&gt;</c> (their tokenizers mark them <c>"special": false</c>).
/// </summary>
/// <param name="Text">The token's text.</param>
/// <param name="Control">A control token; otherwise user-defined.</param>
public sealed record SpecialToken(string Text, bool Control = true);

/// <summary>
/// The special tokens a model family's vocabulary carries, with the roles llama.cpp reads from the GGUF
/// (<c>tokenizer.ggml.bos_token_id</c>, <c>eos</c>, <c>eot</c>, <c>eom</c>, <c>add_bos_token</c>) and the BPE
/// pre-tokenizer (<c>tokenizer.ggml.pre</c>) the family's real files name.
/// </summary>
/// <param name="Name">A short name for messages and docs.</param>
/// <param name="Tokens">Every special token, in id order within the vocabulary's special block.</param>
/// <param name="Bos">Text of the beginning-of-sequence token; one of <paramref name="Tokens"/>.</param>
/// <param name="Eos">Text of the end-of-sequence token; one of <paramref name="Tokens"/>.</param>
/// <param name="Eot">Text of the end-of-turn token, if the family has one.</param>
/// <param name="Eom">Text of the end-of-message token (Llama 3.1's <c>&lt;|eom_id|&gt;</c>), if the family has one.</param>
/// <param name="AddBos">Whether tokenizing a prompt prepends <paramref name="Bos"/>.</param>
/// <param name="BpePreTokenizer">The <c>tokenizer.ggml.pre</c> written for a BPE vocabulary; llama.cpp refuses names it does not know.</param>
public sealed record SpecialTokenSet(
    string Name, IReadOnlyList<SpecialToken> Tokens, string Bos, string Eos, string? Eot, string? Eom, bool AddBos, string BpePreTokenizer)
{
    /// <summary>The project's historical set: SentencePiece's <c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c> and the ChatML markers.</summary>
    public static SpecialTokenSet Default { get; } = new(
        "default", [new("<s>"), new("</s>"), new("<|im_start|>"), new("<|im_end|>")], "<s>", "</s>", "<|im_end|>", null, AddBos: true, "default");

    /// <summary>Llama 3.x: header markers, <c>&lt;|eot_id|&gt;</c> ends a turn, <c>&lt;|python_tag|&gt;</c> opens a built-in tool call.</summary>
    public static SpecialTokenSet Llama3 { get; } = new(
        "llama3",
        [
            new("<|begin_of_text|>"), new("<|end_of_text|>"), new("<|start_header_id|>"), new("<|end_header_id|>"),
            new("<|eot_id|>"), new("<|eom_id|>"), new("<|python_tag|>"),
        ],
        "<|begin_of_text|>", "<|eot_id|>", "<|eot_id|>", "<|eom_id|>", AddBos: true, "llama-bpe");

    /// <summary>Qwen 2.5/3 and Hermes ChatML: no BOS is prepended; tool-call and reasoning markers are user-defined, so they print.</summary>
    public static SpecialTokenSet ChatMl { get; } = new(
        "chatml",
        [
            new("<|endoftext|>"), new("<|im_start|>"), new("<|im_end|>"),
            new("<tool_call>", Control: false), new("</tool_call>", Control: false),
            new("<think>", Control: false), new("</think>", Control: false),
        ],
        "<|endoftext|>", "<|im_end|>", "<|im_end|>", null, AddBos: false, "qwen2");

    /// <summary>Mistral v3 (7B v0.3, Nemo): instruction and tool markers as control tokens.</summary>
    public static SpecialTokenSet Mistral { get; } = new(
        "mistral",
        [
            new("<s>"), new("</s>"), new("[INST]"), new("[/INST]"), new("[TOOL_CALLS]"), new("[AVAILABLE_TOOLS]"),
            new("[/AVAILABLE_TOOLS]"), new("[TOOL_RESULTS]"), new("[/TOOL_RESULTS]"),
        ],
        "<s>", "</s>", null, null, AddBos: true, "tekken");

    /// <summary>The named presets, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<SpecialTokenSet> Presets { get; } = [Default, Llama3, ChatMl, Mistral];

    /// <summary>The preset named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SpecialTokenSet? Named(string name) =>
        Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The family a chat template is written for, recognised by the markers it emits (as llama.cpp's own template
    /// detection does); <see cref="Default"/> when none is recognised, whose tokens then tokenize as plain text.
    /// </summary>
    public static SpecialTokenSet FromTemplate(string? template) => template switch
    {
        null => Default,
        _ when template.Contains("<|start_header_id|>", StringComparison.Ordinal) => Llama3,
        _ when template.Contains("<|im_start|>", StringComparison.Ordinal) => ChatMl,
        _ when template.Contains("[INST]", StringComparison.Ordinal) => Mistral,
        _ => Default,
    };

    /// <summary>Throws <see cref="ArgumentException"/> unless the tokens are distinct, non-empty, and hold every token a role names.</summary>
    public void Validate()
    {
        if (Tokens.Count == 0 || Tokens.Any(t => string.IsNullOrEmpty(t.Text)))
        {
            throw new ArgumentException($"Special tokens '{Name}': every token needs text, and there must be at least one.");
        }
        var duplicate = Tokens.GroupBy(t => t.Text, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Special tokens '{Name}': '{duplicate.Key}' is listed twice.");
        }
        foreach (var role in new[] { Bos, Eos, Eot, Eom })
        {
            if (role is not null && !Tokens.Any(t => t.Text == role))
            {
                throw new ArgumentException($"Special tokens '{Name}': '{role}' has a role but is not one of the tokens.");
            }
        }
    }
}
