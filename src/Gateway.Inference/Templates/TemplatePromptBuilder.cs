using System.Text;
using Gateway.Inference.Grammar;
using Gateway.Inference.Protocol;

namespace Gateway.Inference.Templates;

/// <summary>
/// Builds a local model's chat prompt with its Jinja template, as the ModelServer serves it and as the trainer
/// renders its training prompts (one code path, so a trained model sees at serving time exactly the text it was
/// trained on). Tools and tool calls go through the template when it writes them (probed once, as llama-server
/// does); a template that ignores them gets the tools as an added system message of instructions and the calls as
/// <c>&lt;tool_call&gt;</c> text in the assistant's content.
/// </summary>
internal sealed class TemplatePromptBuilder
{
    private const string ProbeTool = "gateway_probe_tool_9f2c";
    private const string ProbeCall = "gateway_probe_call_4b7d";

    private readonly TimeProvider _time;

    public TemplatePromptBuilder(ChatTemplate template, string bosToken, string eosToken, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        Template = template;
        BosToken = bosToken;
        EosToken = eosToken;
        _time = time ?? TimeProvider.System;
        HandlesTools = Probe(ProbeTool, ToolProbe());
        HandlesToolCalls = Probe(ProbeCall, CallProbe());
    }

    public ChatTemplate Template { get; }

    public string BosToken { get; }

    public string EosToken { get; }

    /// <summary>The template writes the <c>tools</c> it is given into the prompt.</summary>
    public bool HandlesTools { get; }

    /// <summary>The template writes assistant messages' <c>tool_calls</c> into the prompt.</summary>
    public bool HandlesToolCalls { get; }

    /// <summary>
    /// The prompt for <paramref name="messages"/> (template values, see <see cref="ChatTemplateInput.Messages"/>).
    /// <paramref name="tools"/> are the offered tools (empty when tool calling is off for the request) and
    /// <paramref name="templateTools"/> the same tools as the request wrote them. Throws
    /// <see cref="TemplateRuntimeException"/> when the template refuses the conversation.
    /// </summary>
    public string Render(JArray messages, IReadOnlyList<ToolDefinition> tools, JArray? templateTools, IReadOnlyDictionary<string, object?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(tools);
        JArray? rendered = null;
        if (tools.Count > 0)
        {
            if (HandlesTools)
            {
                rendered = templateTools;
            }
            else
            {
                messages = [new JObject { ["role"] = "system", ["content"] = Instructions(tools) }, .. messages];
            }
        }
        if (!HandlesToolCalls)
        {
            messages = CallsAsText(messages);
        }
        return Template.Render(new ChatTemplateContext
        {
            Messages = messages,
            Tools = rendered,
            BosToken = BosToken,
            EosToken = EosToken,
            Extra = extra ?? new Dictionary<string, object?>(),
        }, time: _time);
    }

    /// <summary>The system message that describes <paramref name="tools"/> to a template that does not write them.</summary>
    public static string Instructions(IReadOnlyList<ToolDefinition> tools) =>
        ToolCallFormat.Instructions(tools.Select(t => (t.Name, t.Description, t.Parameters?.GetRawText() ?? "{}")));

    /// <summary>Assistant tool calls written into the content as <c>&lt;tool_call&gt;</c> text, for templates that drop them.</summary>
    public static JArray CallsAsText(JArray messages)
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
            return Template.Render(context, time: _time).Contains(marker, StringComparison.Ordinal);
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
