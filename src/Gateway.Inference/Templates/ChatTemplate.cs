using System.Text;

namespace Gateway.Inference.Templates;

/// <summary>
/// A compiled chat template: parse once (per model load), render per request. Rendering never touches shared
/// state, so one instance serves every request thread.
/// </summary>
internal sealed class ChatTemplate
{
    private readonly Node[] _body;

    private ChatTemplate(string source, Node[] body)
    {
        Source = source;
        _body = body;
    }

    /// <summary>The template's text, as parsed.</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; throws <see cref="TemplateSyntaxException"/> naming the construct it cannot read.</summary>
    public static ChatTemplate Parse(string source) => new(source, TemplateParser.Parse(source));

    /// <summary>
    /// Renders the prompt. Throws <see cref="TemplateRaisedException"/> when the template refuses the conversation
    /// (<c>raise_exception</c>), and <see cref="TemplateRuntimeException"/> for any other failure the conversation
    /// causes (a type error, a limit reached); both are the caller's to fix, never the server's.
    /// </summary>
    public string Render(ChatTemplateContext context, ChatTemplateLimits? limits = null, TimeProvider? time = null)
    {
        var state = new RenderState(limits ?? ChatTemplateLimits.Default, context.Now ?? (time ?? TimeProvider.System).GetLocalNow());
        var globals = new Scope(null, state);
        TemplateBuiltins.AddGlobals(globals);
        globals.Set("messages", context.Messages);
        if (context.Tools is not null)
        {
            globals.Set("tools", context.Tools);
        }
        globals.Set("add_generation_prompt", context.AddGenerationPrompt);
        globals.Set("bos_token", context.BosToken);
        globals.Set("eos_token", context.EosToken);
        foreach (var (name, value) in context.Extra)
        {
            globals.Set(name, value);
        }
        var sb = new StringBuilder();
        try
        {
            TemplateInterpreter.Render(_body, new Scope(globals, state), sb);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateLimitException("The template nests too deeply to render.");
        }
        return sb.ToString();
    }
}
