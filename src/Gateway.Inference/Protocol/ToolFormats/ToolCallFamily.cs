namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>The ways models write tool calls, one per family of chat templates.</summary>
public enum ToolCallFamily
{
    /// <summary>
    /// A template that knows no tool format: the tools are described in an added system message and the model is
    /// asked to answer <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c> (<see cref="ToolCallFormat"/>).
    /// </summary>
    Generic,

    /// <summary>Hermes 2/3 Pro, Qwen 2.5/3: <c>&lt;tool_call&gt;\n{"name": …, "arguments": …}\n&lt;/tool_call&gt;</c>, one block per call.</summary>
    Hermes,

    /// <summary>
    /// Llama 3.1/3.2/3.3: an answer that is only <c>{"name": …, "parameters": …}</c>, or a built-in tool call after
    /// <c>&lt;|python_tag|&gt;</c> (<c>name.call(key="value")</c> or the same JSON).
    /// </summary>
    Llama3,

    /// <summary>Mistral Nemo and relatives: <c>[TOOL_CALLS][{"name": …, "arguments": …, "id": …}, …]</c>.</summary>
    Mistral,

    /// <summary>Mistral Small 3.2, Devstral, Ministral 3: <c>[TOOL_CALLS]name[ARGS]{…}</c>, one opener per call.</summary>
    MistralArgs,

    /// <summary>FireFunction v2: <c> functools[{"name": …, "arguments": …}, …]</c>.</summary>
    FireFunction,

    /// <summary>Functionary v3.1 (Llama 3.1 based): <c>&lt;function=name&gt;{…}&lt;/function&gt;</c>.</summary>
    FunctionaryV31,
}

/// <summary>Recognises a template's tool-call family as llama.cpp's chat code does: by the markers its text uses.</summary>
public static class ToolCallFamilies
{
    /// <summary>The names the <c>ToolFormat</c> option takes (besides <c>auto</c>), by family.</summary>
    public static readonly IReadOnlyDictionary<string, ToolCallFamily> Names = new Dictionary<string, ToolCallFamily>(StringComparer.OrdinalIgnoreCase)
    {
        ["generic"] = ToolCallFamily.Generic,
        ["hermes"] = ToolCallFamily.Hermes,
        ["llama3"] = ToolCallFamily.Llama3,
        ["mistral"] = ToolCallFamily.Mistral,
        ["mistral-args"] = ToolCallFamily.MistralArgs,
        ["firefunction"] = ToolCallFamily.FireFunction,
        ["functionary"] = ToolCallFamily.FunctionaryV31,
    };

    /// <summary>The pattern the <c>ToolFormat</c> option is validated against.</summary>
    public const string OptionPattern = "^(auto|generic|hermes|llama3|mistral|mistral-args|firefunction|functionary)$";

    /// <summary>
    /// The family whose markers <paramref name="chatTemplate"/> contains, checked in llama.cpp's order (the more
    /// specific markers first: a Functionary template also has Llama 3 headers); <see cref="ToolCallFamily.Generic"/>
    /// for a template with none, or none at all.
    /// </summary>
    public static ToolCallFamily Detect(string? chatTemplate)
    {
        if (string.IsNullOrEmpty(chatTemplate))
        {
            return ToolCallFamily.Generic;
        }
        bool Has(string marker) => chatTemplate.Contains(marker, StringComparison.Ordinal);
        if (Has("<tool_call>"))
        {
            return ToolCallFamily.Hermes;
        }
        if (Has("<|start_header_id|>") && Has("<function="))
        {
            return ToolCallFamily.FunctionaryV31;
        }
        if (Has("<|start_header_id|>ipython<|end_header_id|>") || (Has("<|start_header_id|>") && Has("<|python_tag|>")))
        {
            return ToolCallFamily.Llama3;
        }
        if (Has("[TOOL_CALLS]"))
        {
            return Has("[ARGS]") ? ToolCallFamily.MistralArgs : ToolCallFamily.Mistral;
        }
        return Has(" functools[") ? ToolCallFamily.FireFunction : ToolCallFamily.Generic;
    }

    /// <summary>The family an option names: <c>auto</c> (or nothing) detects it from <paramref name="chatTemplate"/>.</summary>
    public static ToolCallFamily Resolve(string? option, string? chatTemplate) =>
        option is { Length: > 0 } name && Names.TryGetValue(name, out var forced) ? forced : Detect(chatTemplate);
}
