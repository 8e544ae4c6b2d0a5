using Gateway.Inference.Grammar;
using Gateway.Inference.Protocol.ToolFormats;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>
/// How a chat request's answer is generated and read back: the model's tool-call family, whether the prompt opened
/// the thinking, and the grammar for the request's <c>tool_choice</c> in that family's format.
/// </summary>
internal sealed record ChatOutput(ToolCallDialect Dialect, bool ParseToolCalls, bool ThinkingOpen, string? Grammar, LazyGrammarStart? Lazy, IReadOnlySet<int> RenderedSpecialTokens)
{
    /// <summary>
    /// <c>auto</c> gets a lazy grammar that applies from the family's opener on, so a plain answer stays free text;
    /// <c>required</c> or a named function gets the grammar from the first token, or, when the prompt opened the
    /// thinking, from the end of the thinking on. Without tools the request's own grammar (response format) stays.
    /// </summary>
    public static ChatOutput For(ChatRequest request, ModelToolFormat format, string prompt, JsonGrammarLimits limits)
    {
        var thinkingOpen = ReasoningTags.OpenedBy(prompt);
        var dialect = format.Dialect;
        if (request.ToolMode == ToolMode.None || request.Tools.Count == 0)
        {
            return new ChatOutput(dialect, false, thinkingOpen, request.Grammar, null, format.RenderedSpecialTokens);
        }
        string grammar;
        try
        {
            grammar = ToolGrammar.Build(request.Tools, dialect.Family, limits);
        }
        catch (GrammarException e)
        {
            throw ApiException.BadRequest($"The tool schemas cannot be enforced: {e.Message}", "tools");
        }
        LazyGrammarStart? lazy = null;
        if (request.ToolMode == ToolMode.Auto)
        {
            lazy = new LazyGrammarStart(dialect.LazyTriggers, dialect.LazyStartTriggers, thinkingOpen, OnThinkingEnd: false, "root");
        }
        else if (thinkingOpen)
        {
            (grammar, var root) = ToolGrammar.AfterThinking(grammar);
            lazy = new LazyGrammarStart([], [], ThinkingOpen: true, OnThinkingEnd: true, root);
        }
        return new ChatOutput(dialect, true, thinkingOpen, grammar, lazy, format.RenderedSpecialTokens);
    }

    /// <summary>A parser for this answer's stream.</summary>
    public AssistantOutputParser Parser() => new(Dialect, ParseToolCalls, ThinkingOpen);
}
