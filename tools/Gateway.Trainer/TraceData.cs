using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.Inference.Grammar;
using Gateway.Inference.Templates;

namespace Gateway.Trainer;

/// <summary>Where training examples come from: the aptitude suite's generators or recorded agent traces.</summary>
internal interface IExampleSource
{
    /// <summary>The families or roles the examples belong to.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>A batch of examples; the same seed and step give the same batch.</summary>
    Example[] Batch(int seed, int step, int size);
}

/// <summary>
/// Training examples from agent traces: JSON lines, one per role-model call, each with the agent, the role, the
/// task family, the chat <c>messages</c> as the gateway sends them, the <c>tools</c> (or null), the
/// <c>response_format</c> (or null) and the <c>completion</c> (<c>{"content": …}</c> or <c>{"tool_calls": […]}</c>).
/// The prompt is rendered as the ModelServer renders it for a model with <see cref="RoleTemplate"/>
/// (<see cref="TemplatePromptBuilder"/>), the completion as the request's grammar lets the model write it
/// (<see cref="CompletionText"/>). Examples are keyed by <c>agent/role</c>; a batch holds examples of one role,
/// so that their prompts share a long prefix the model computes once.
/// </summary>
internal sealed class TraceData : IExampleSource
{
    private static readonly TemplatePromptBuilder Builder = new(ChatTemplate.Parse(RoleTemplate.Source), "<s>", "</s>");
    private readonly Dictionary<string, Example[]> _byRole;

    private TraceData(Dictionary<string, Example[]> byRole, int skipped, IReadOnlyList<string> reasons)
    {
        _byRole = byRole;
        Skipped = skipped;
        SkipReasons = reasons;
    }

    /// <summary>Why the first few left-out lines were left out.</summary>
    public IReadOnlyList<string> SkipReasons { get; }

    public IReadOnlyList<string> Names => [.. _byRole.Keys];

    /// <summary>Lines left out because their completion cannot be written under the request's grammar.</summary>
    public int Skipped { get; }

    public IReadOnlyList<Example> Examples(string role) => _byRole[role];

    /// <summary>
    /// Reads a trace file, keeping the roles named in <paramref name="roles"/> (<c>agent/role</c>, or <c>agent/*</c>,
    /// or <c>*/role</c>); null keeps every role. Throws <see cref="ArgumentException"/> when no line is kept.
    /// </summary>
    public static TraceData Load(string path, IReadOnlyList<string>? roles = null, int? maxPromptTokens = null)
    {
        var byRole = new Dictionary<string, List<Example>>(StringComparer.Ordinal);
        var skipped = 0;
        var reasons = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var role = RoleOf(root);
            if (roles is not null && !roles.Any(r => Matches(r, role)))
            {
                continue;
            }
            Example example;
            try
            {
                example = Render(root);
            }
            catch (FormatException e)
            {
                skipped++;
                if (reasons.Count < 5)
                {
                    reasons.Add($"line {number} ({role}): {e.Message}");
                }
                continue;
            }
            if (maxPromptTokens is { } max && example.Prompt.Length + example.Answer.Length > max)
            {
                skipped++;
                if (reasons.Count < 5)
                {
                    reasons.Add($"line {number} ({role}): {example.Prompt.Length + example.Answer.Length} tokens, more than {max}");
                }
                continue;
            }
            if (!byRole.TryGetValue(role, out var list))
            {
                byRole[role] = list = [];
            }
            list.Add(example);
        }
        if (byRole.Count == 0)
        {
            throw new ArgumentException($"No trace line of {path} belongs to the roles {string.Join(", ", roles ?? ["*"])}.");
        }
        return new TraceData(byRole.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal), skipped, reasons);
    }

    /// <summary>The key of a trace line: <c>agent/role</c>.</summary>
    public static string RoleOf(JsonElement line) => $"{Text(line, "agent")}/{Text(line, "role")}";

    private static bool Matches(string pattern, string role)
    {
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return role.EndsWith("/" + pattern, StringComparison.Ordinal);
        }
        var (agent, name) = (pattern[..slash], pattern[(slash + 1)..]);
        var actual = role.Split('/');
        return (agent == "*" || agent == actual[0]) && (name == "*" || name == actual[1]);
    }

    /// <summary>The prompt text the ModelServer builds for a trace line's request.</summary>
    public static string Prompt(JsonElement line)
    {
        var messages = ChatTemplateInput.Messages(line.GetProperty("messages"));
        var (tools, templateTools) = OfferedTools(line);
        return Builder.Render(messages, tools, templateTools);
    }

    /// <summary>The completion text the model is trained to write.</summary>
    public static string Completion(JsonElement line)
    {
        var completion = line.GetProperty("completion");
        if (completion.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
        {
            if (calls.GetArrayLength() != 1)
            {
                throw new FormatException("A tool grammar admits exactly one call per completion.");
            }
            var call = calls[0];
            var function = call.TryGetProperty("function", out var f) ? f : call;
            var name = function.GetProperty("name").GetString()!;
            var args = function.TryGetProperty("arguments", out var a) ? (a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()) : "{}";
            var (tools, _) = OfferedTools(line);
            var tool = tools.FirstOrDefault(t => t.Name == name) ?? throw new FormatException($"The completion calls '{name}', which is not offered.");
            return CompletionText.ToolCall(name, args, tool.Parameters);
        }
        var content = completion.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
        return Schema(line) switch
        {
            { } schema => CompletionText.Json(content, schema.ValueKind == JsonValueKind.Undefined ? null : schema),
            null => content,
        };
    }

    public static Example Render(JsonElement line)
    {
        string prompt, completion;
        try
        {
            prompt = Prompt(line);
            completion = Completion(line);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or TemplateRuntimeException)
        {
            throw new FormatException($"The trace line cannot be rendered: {e.Message}", e);
        }
        return new Example(RoleOf(line), [.. CharVocabulary.Tokenize(prompt, addBos: true, special: true)], [.. CharVocabulary.TokenizeContinuation(completion), CharVocabulary.ImEndId]);
    }

    public Example[] Batch(int seed, int step, int size)
    {
        var random = new Random(unchecked((seed * 1_000_003) + step));
        var names = Names;
        var pool = _byRole[names[random.Next(names.Count)]];
        var batch = new Example[size];
        for (var i = 0; i < size; i++)
        {
            batch[i] = pool[random.Next(pool.Length)];
        }
        return batch;
    }

    /// <summary>
    /// The tools a request offers as the ModelServer takes them: none under <c>tool_choice: none</c>, the named one
    /// under a named choice, else all; with the same tools as the request wrote them for the template.
    /// </summary>
    private static (IReadOnlyList<ToolDefinition> Tools, JArray? TemplateTools) OfferedTools(JsonElement line)
    {
        if (!line.TryGetProperty("tools", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return ([], null);
        }
        string? named = null;
        if (line.TryGetProperty("tool_choice", out var choice))
        {
            if (choice.ValueKind == JsonValueKind.String && choice.GetString() == "none")
            {
                return ([], null);
            }
            if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var cf) && cf.TryGetProperty("name", out var cn))
            {
                named = cn.GetString();
            }
        }
        var tools = new List<ToolDefinition>();
        var kept = new List<JsonElement>();
        foreach (var tool in array.EnumerateArray())
        {
            var f = tool.GetProperty("function");
            var name = f.GetProperty("name").GetString()!;
            if (named is not null && name != named)
            {
                continue;
            }
            var description = f.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            JsonElement? parameters = f.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null;
            tools.Add(new ToolDefinition(name, description, parameters));
            kept.Add(tool);
        }
        var templateTools = new JArray();
        foreach (var tool in kept)
        {
            templateTools.Add(TemplateValue.FromJson(tool));
        }
        return (tools, templateTools.Count > 0 ? templateTools : null);
    }

    /// <summary>
    /// The JSON schema the response is held to: null for plain text, an undefined element for <c>json_object</c>.
    /// </summary>
    private static JsonElement? Schema(JsonElement line)
    {
        if (!line.TryGetProperty("response_format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (format.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object && js.TryGetProperty("schema", out var schema))
        {
            return schema;
        }
        if (format.TryGetProperty("schema", out var bare) && bare.ValueKind == JsonValueKind.Object)
        {
            return bare;
        }
        return format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is "json_object" or "json_schema"
            ? default(JsonElement)
            : null;
    }

    private static string Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
