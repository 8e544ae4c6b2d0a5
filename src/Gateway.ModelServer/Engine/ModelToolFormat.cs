using System.Runtime.CompilerServices;
using Gateway.Inference.Protocol.ToolFormats;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// The loaded model's tool-call family (from the <c>ToolFormat</c> option, else detected from its chat template) and
/// the ids of the family's marker tokens, which generation renders as text for the answer's parser to see.
/// </summary>
internal sealed class ModelToolFormat
{
    private static readonly ConditionalWeakTable<LoadedModel, ModelToolFormat> Cache = [];

    private ModelToolFormat(ToolCallDialect dialect, IReadOnlySet<int> rendered)
    {
        Dialect = dialect;
        RenderedSpecialTokens = rendered;
    }

    public ToolCallDialect Dialect { get; }

    /// <summary>Tokens that are a whole marker of the family (or a thinking tag) on their own.</summary>
    public IReadOnlySet<int> RenderedSpecialTokens { get; }

    public static ModelToolFormat Of(LoadedModel model) => Cache.GetValue(model, Create);

    /// <summary>The template the model renders with: the catalog's override, else the GGUF's own.</summary>
    public static string? Template(LoadedModel model) =>
        model.Options.ChatTemplate is { Length: > 0 } custom ? custom : model.Weights.Metadata.GetValueOrDefault("tokenizer.chat_template");

    private static ModelToolFormat Create(LoadedModel model)
    {
        var dialect = ToolCallDialect.For(ToolCallFamilies.Resolve(model.Options.ToolFormat, Template(model)));
        var rendered = new HashSet<int>();
        foreach (var marker in dialect.PreservedTokens)
        {
            var tokens = model.Tokenize(marker, addBos: false, special: true);
            if (tokens.Length == 1)
            {
                rendered.Add((int)tokens[0]);
            }
        }
        return new ModelToolFormat(dialect, rendered);
    }
}
