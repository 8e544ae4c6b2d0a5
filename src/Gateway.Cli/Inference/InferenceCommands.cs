using System.CommandLine;
using Gateway.Inference.Gguf;

namespace Gateway.Cli.Inference;

/// <summary>Command-line verbs for local models, to attach under the gateway executable's root command.</summary>
public static class InferenceCommands
{
    /// <summary>Creates <c>model</c> with its sub-verbs (<c>model tiny --out FILE [--seed N]</c>).</summary>
    public static Command CreateModelCommand()
    {
        var model = new Command("model", "Local model tools.");
        model.Subcommands.Add(CreateTinyModelCommand());
        return model;
    }

    /// <summary>
    /// Creates <c>tiny --out FILE [--seed N] [--f16] [shape options] [--streaming] [--chat-template FILE] [--tokenizer spm|bpe]
    /// [--special-tokens SET|FILE]</c>: writes a random-weight llama GGUF.
    /// </summary>
    public static Command CreateTinyModelCommand()
    {
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "Where to write the GGUF file.",
            Required = true,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for the random weights; the same seed writes the same file.",
            DefaultValueFactory = _ => 42,
        };
        var half = new Option<bool>("--f16") { Description = "Write F16 tensors instead of F32." };
        var matrixType = new Option<GgufTensorType?>("--matrix-type") { Description = "Element type of the matrices: F32 (default), F16, BF16, Q8_0 or Q4_0; wins over --f16." };
        var vocabulary = new Option<int?>("--vocabulary") { Description = "Pad the vocabulary to this many tokens (default: the tiny vocabulary's own few hundred)." };
        var defaults = new TinyModelOptions();
        var embedding = new Option<int>("--embedding") { Description = "Hidden size.", DefaultValueFactory = _ => defaults.EmbeddingLength };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks.", DefaultValueFactory = _ => defaults.BlockCount };
        var heads = new Option<int>("--heads") { Description = "Attention heads; the hidden size must divide by it.", DefaultValueFactory = _ => defaults.HeadCount };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "Key/value heads; the heads must divide by it (default: as many as --heads)." };
        var feedForward = new Option<int>("--feed-forward") { Description = "Feed-forward width.", DefaultValueFactory = _ => defaults.FeedForwardLength };
        var streaming = new Option<bool>("--streaming")
        {
            Description = "Generate the weights chunk by chunk while writing (a few MiB of memory for any size); the same seed writes the same file, not the one written without it.",
        };
        var chatTemplate = new Option<FileInfo?>("--chat-template") { Description = "A Jinja chat template file to carry as tokenizer.chat_template (default: a minimal ChatML template)." };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "spm: SentencePiece with byte fallback (default); bpe: byte-level BPE with merges, as Llama 3 and Qwen ship.",
            DefaultValueFactory = _ => "spm",
        };
        tokenizer.AcceptOnlyFromAmong("spm", "bpe");
        var specialTokens = new Option<string?>("--special-tokens")
        {
            Description = "The family's special tokens: llama3, chatml, mistral, default, or a file with one token a line followed by its roles " +
                "(bos, eos, eot, eom; text for a token that prints). Default: recognised from the chat template's markers.",
        };

        var command = new Command("tiny", "Write a tiny llama-architecture GGUF with random weights. Its text is noise; it exists for tests and smoke runs.")
        {
            output,
            seed,
            half,
            matrixType,
            vocabulary,
            embedding,
            layers,
            heads,
            kvHeads,
            feedForward,
            streaming,
            chatTemplate,
            tokenizer,
            specialTokens,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            long size;
            try
            {
                var template = parse.GetValue(chatTemplate) is { } templateFile ? File.ReadAllText(templateFile.FullName) : null;
                var options = new TinyModelOptions
                {
                    Seed = parse.GetValue(seed),
                    HalfPrecision = parse.GetValue(half),
                    MatrixType = parse.GetValue(matrixType),
                    VocabularySize = parse.GetValue(vocabulary),
                    EmbeddingLength = parse.GetValue(embedding),
                    BlockCount = parse.GetValue(layers),
                    HeadCount = parse.GetValue(heads),
                    HeadCountKv = parse.GetValue(kvHeads) ?? parse.GetValue(heads),
                    FeedForwardLength = parse.GetValue(feedForward),
                    Tokenizer = parse.GetValue(tokenizer) == "bpe" ? TinyTokenizer.Bpe : TinyTokenizer.SentencePiece,
                    ChatTemplate = template,
                    SpecialTokens = parse.GetValue(specialTokens) is { } special ? ReadSpecialTokens(special) : null,
                };
                size = parse.GetValue(streaming) ? TinyModel.WriteStreaming(file.FullName, options) : TinyModel.Write(file.FullName, options);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return 2;
            }
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {file.FullName} ({size:N0} bytes).");
            return 0;
        });
        return command;
    }

    /// <summary>A preset by name, else a file in <see cref="SpecialTokenFile"/>'s format.</summary>
    private static SpecialTokenSet ReadSpecialTokens(string value) =>
        SpecialTokenSet.Named(value)
        ?? (File.Exists(value)
            ? SpecialTokenFile.Parse(File.ReadAllText(value), Path.GetFileName(value))
            : throw new ArgumentException($"--special-tokens: '{value}' is neither a preset (llama3, chatml, mistral, default) nor a file."));
}
