using System.Text;
using Gateway.Inference.Templates;
using Gateway.ModelServer.Api;
using LLama;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// Turns a chat request into the model's prompt with the model's own Jinja chat template (the
/// <see cref="ModelServerOptions.ChatTemplate"/> override, else the GGUF's <c>tokenizer.chat_template</c>),
/// compiled once at load. Tools and tool calls go through the template when it writes them (probed at load, as
/// llama-server does); a template that ignores them gets the Hermes-style instructions and <c>&lt;tool_call&gt;</c>
/// text the server wrote before templates were rendered. Policy for a template the engine cannot parse: an
/// override fails the load (the operator wrote it, and should hear at once); a GGUF's own template falls back to
/// llama.cpp's built-in template detection with a logged warning, so the model still serves.
/// </summary>
internal sealed class PromptTemplate
{
    private readonly LLamaWeights _weights;
    private readonly TemplatePromptBuilder? _builder;
    private readonly bool _stripBos;

    private PromptTemplate(LLamaWeights weights, ChatTemplate? jinja, string bos, string eos, bool stripBos, TimeProvider time)
    {
        _weights = weights;
        Jinja = jinja;
        BosToken = bos;
        EosToken = eos;
        _stripBos = stripBos;
        _builder = jinja is null ? null : new TemplatePromptBuilder(jinja, bos, eos, time);
    }

    /// <summary>The compiled template; null when prompts come from llama.cpp's built-in templates.</summary>
    public ChatTemplate? Jinja { get; }

    /// <summary>The template's text (for detecting the model family's tool-call format), or null.</summary>
    public string? Source => Jinja?.Source;

    /// <summary>The template writes the <c>tools</c> it is given into the prompt.</summary>
    public bool HandlesTools => _builder?.HandlesTools ?? false;

    /// <summary>The template writes assistant messages' <c>tool_calls</c> into the prompt.</summary>
    public bool HandlesToolCalls => _builder?.HandlesToolCalls ?? false;

    public string BosToken { get; }

    public string EosToken { get; }

    public static PromptTemplate Create(ModelServerOptions options, LLamaWeights weights, ILogger logger, TimeProvider time)
    {
        var vocab = weights.Vocab;
        var bos = vocab.BOS is { } b ? vocab.LLamaTokenToString(b, true) ?? "" : "";
        var eos = vocab.EOS is { } e ? vocab.LLamaTokenToString(e, true) ?? "" : "";
        var stripBos = vocab.ShouldAddBOS && bos.Length > 0;
        if (options.ChatTemplate is { Length: > 0 } custom)
        {
            try
            {
                return new PromptTemplate(weights, ChatTemplate.Parse(custom), bos, eos, stripBos, time);
            }
            catch (TemplateSyntaxException ex)
            {
                throw new ArgumentException($"ChatTemplate cannot be parsed: {ex.Message}", nameof(options), ex);
            }
        }
        if (!weights.Metadata.TryGetValue("tokenizer.chat_template", out var source) || string.IsNullOrEmpty(source))
        {
            return new PromptTemplate(weights, null, bos, eos, stripBos, time);
        }
        try
        {
            return new PromptTemplate(weights, ChatTemplate.Parse(source), bos, eos, stripBos, time);
        }
        catch (TemplateSyntaxException ex)
        {
            ModelServerLog.TemplateFallback(logger, options.ModelId, ex.Message);
            return new PromptTemplate(weights, null, bos, eos, stripBos, time);
        }
    }

    /// <summary>The prompt for a chat request; a template that refuses the conversation gives the caller a 400.</summary>
    public string Apply(ChatRequest request)
    {
        if (_builder is null)
        {
            return ApplyBuiltIn(request);
        }
        var tools = request.ToolMode != ToolMode.None ? request.Tools : [];
        try
        {
            return _builder.Render(request.TemplateMessages, tools, request.TemplateTools, request.TemplateArguments);
        }
        catch (TemplateRuntimeException ex)
        {
            throw ApiException.BadRequest(ex.Message, "messages", "chat_template_error");
        }
    }

    /// <summary>
    /// Whether the tokenizer should add the BOS token to <paramref name="prompt"/>: not when the template wrote it
    /// already (most do, as <c>{{ bos_token }}</c>), which would double it. The prompt itself stays as the template
    /// rendered it, so <c>/apply-template</c> shows exactly what the template made.
    /// </summary>
    public bool NeedsBos(string prompt) => !(_stripBos && prompt.StartsWith(BosToken, StringComparison.Ordinal));

    private string ApplyBuiltIn(ChatRequest request)
    {
        var template = new LLamaTemplate(_weights.NativeHandle, null, false);
        if (request.ToolMode != ToolMode.None && request.Tools.Count > 0)
        {
            template.Add("system", TemplatePromptBuilder.Instructions(request.Tools));
        }
        foreach (var (role, content) in request.Messages)
        {
            template.Add(role, content);
        }
        template.AddAssistant = true;
        return Encoding.UTF8.GetString(template.Apply());
    }
}
