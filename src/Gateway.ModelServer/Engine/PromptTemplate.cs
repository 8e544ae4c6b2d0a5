using System.Text;
using Gateway.Inference.Protocol;
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
    private const string ProbeTool = "gateway_probe_tool_9f2c";
    private const string ProbeCall = "gateway_probe_call_4b7d";

    private readonly LLamaWeights _weights;
    private readonly TimeProvider _time;

    private PromptTemplate(LLamaWeights weights, ChatTemplate? jinja, string bos, string eos, bool stripBos, TimeProvider time)
    {
        _weights = weights;
        Jinja = jinja;
        BosToken = bos;
        EosToken = eos;
        _stripBos = stripBos;
        _time = time;
        HandlesTools = jinja is not null && Probe(ProbeTool, ToolProbe());
        HandlesToolCalls = jinja is not null && Probe(ProbeCall, CallProbe());
    }

    private readonly bool _stripBos;

    /// <summary>The compiled template; null when prompts come from llama.cpp's built-in templates.</summary>
    public ChatTemplate? Jinja { get; }

    /// <summary>The template's text (for detecting the model family's tool-call format), or null.</summary>
    public string? Source => Jinja?.Source;

    /// <summary>The template writes the <c>tools</c> it is given into the prompt.</summary>
    public bool HandlesTools { get; }

    /// <summary>The template writes assistant messages' <c>tool_calls</c> into the prompt.</summary>
    public bool HandlesToolCalls { get; }

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
        if (Jinja is null)
        {
            return ApplyBuiltIn(request);
        }
        var messages = request.TemplateMessages;
        JArray? tools = null;
        if (request.ToolMode != ToolMode.None && request.Tools.Count > 0)
        {
            if (HandlesTools)
            {
                tools = request.TemplateTools;
            }
            else
            {
                messages = [new JObject { ["role"] = "system", ["content"] = Instructions(request) }, .. messages];
            }
        }
        if (!HandlesToolCalls)
        {
            messages = CallsAsText(messages);
        }
        var context = new ChatTemplateContext
        {
            Messages = messages,
            Tools = tools,
            BosToken = BosToken,
            EosToken = EosToken,
            Extra = request.TemplateArguments,
        };
        string prompt;
        try
        {
            prompt = Jinja.Render(context, time: _time);
        }
        catch (TemplateRuntimeException ex)
        {
            throw ApiException.BadRequest(ex.Message, "messages", "chat_template_error");
        }

        return prompt;
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
            template.Add("system", Instructions(request));
        }
        foreach (var (role, content) in request.Messages)
        {
            template.Add(role, content);
        }
        template.AddAssistant = true;
        return Encoding.UTF8.GetString(template.Apply());
    }

    private static string Instructions(ChatRequest request) =>
        ToolCallFormat.Instructions(request.Tools.Select(t => (t.Name, t.Description, t.Parameters?.GetRawText() ?? "{}")));

    /// <summary>Assistant tool calls written into the content as <c>&lt;tool_call&gt;</c> text, for templates that drop them.</summary>
    private static JArray CallsAsText(JArray messages)
    {
        if (!messages.Any(m => m is JObject o && o.ContainsKey("tool_calls")))
        {
            return messages;
        }
        var result = new JArray();
        foreach (var message in messages)
        {
            if (message is not JObject o || o.GetValueOrDefault("tool_calls") is not JArray calls)
            {
                result.Add(message);
                continue;
            }
            var copy = new JObject(o);
            copy.Remove("tool_calls");
            var content = new StringBuilder(o.GetValueOrDefault("content") as string ?? "");
            foreach (var call in calls)
            {
                if (call is JObject { } c && c.GetValueOrDefault("function") is JObject f && f.GetValueOrDefault("name") is string name)
                {
                    var args = f.GetValueOrDefault("arguments");
                    content.Append(ToolCallFormat.Format(name, args is string s ? s : TemplateJson.Serialize(args ?? new JObject(), new JsonOptions(Separators: (",", ":")))));
                }
            }
            copy["content"] = content.ToString();
            result.Add(copy);
        }
        return result;
    }

    private bool Probe(string marker, ChatTemplateContext context)
    {
        try
        {
            return Jinja!.Render(context, time: _time).Contains(marker, StringComparison.Ordinal);
        }
        catch (TemplateRuntimeException)
        {
            return false;
        }
    }

    private ChatTemplateContext ToolProbe() => new()
    {
        Messages = [new JObject { ["role"] = "user", ["content"] = "Hi" }],
        Tools = [new JObject
        {
            ["type"] = "function",
            ["function"] = new JObject
            {
                ["name"] = ProbeTool,
                ["description"] = "probe",
                ["parameters"] = new JObject { ["type"] = "object", ["properties"] = new JObject(), ["required"] = new JArray() },
            },
        }],
        BosToken = BosToken,
        EosToken = EosToken,
    };

    private ChatTemplateContext CallProbe() => new()
    {
        Messages =
        [
            new JObject { ["role"] = "user", ["content"] = "Hi" },
            new JObject
            {
                ["role"] = "assistant",
                ["content"] = "",
                ["tool_calls"] = new JArray
                {
                    new JObject
                    {
                        ["id"] = "call00001",
                        ["type"] = "function",
                        ["function"] = new JObject { ["name"] = ProbeCall, ["arguments"] = new JObject { ["x"] = 1L } },
                    },
                },
            },
            new JObject { ["role"] = "tool", ["tool_call_id"] = "call00001", ["name"] = ProbeCall, ["content"] = "1" },
        ],
        BosToken = BosToken,
        EosToken = EosToken,
    };
}
