using Gateway.Inference.Protocol.ToolFormats;

namespace Gateway.UnitTests.Inference.Protocol.ToolFormats;

/// <summary>
/// Detection by the markers llama.cpp's chat code looks for; each template excerpt is the marker-bearing line of the
/// named template in llama.cpp's models/templates.
/// </summary>
public sealed class ToolCallFamiliesTests
{
    [Theory]
    // Qwen-Qwen2.5-7B-Instruct.jinja
    [InlineData("{{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags\" }}", ToolCallFamily.Hermes)]
    // meta-llama-Llama-3.1-8B-Instruct.jinja
    [InlineData("{{- \"<|start_header_id|>ipython<|end_header_id|>\\n\\n\" }}{{- \"<|python_tag|>\" + tool_call.name }}", ToolCallFamily.Llama3)]
    // mistralai-Mistral-Nemo-Instruct-2407.jinja
    [InlineData("{{- \"[TOOL_CALLS][\" }}{%- for tool_call in message.tool_calls %}", ToolCallFamily.Mistral)]
    // Mistral-Small-3.2-24B-Instruct-2506.jinja
    [InlineData("{{- '[TOOL_CALLS]' + tool.function.name + '[CALL_ID]' + tool.id + '[ARGS]' + arguments }}", ToolCallFamily.MistralArgs)]
    // fireworks-ai-llama-3-firefunction-v2.jinja
    [InlineData("{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' + message['content'] + ' functools[' }}", ToolCallFamily.FireFunction)]
    // meetkai-functionary-medium-v3.1.jinja
    [InlineData("{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n<function=' + tool_call.name + '>' }}", ToolCallFamily.FunctionaryV31)]
    // a ChatML template without tools
    [InlineData("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}", ToolCallFamily.Generic)]
    [InlineData(null, ToolCallFamily.Generic)]
    public void Detect_TemplateMarkers_GiveTheFamily(string? template, ToolCallFamily expected)
    {
        Assert.Equal(expected, ToolCallFamilies.Detect(template));
    }

    [Fact]
    public void Resolve_OptionNamesAFamily_OverridesDetection()
    {
        Assert.Equal(ToolCallFamily.Mistral, ToolCallFamilies.Resolve("mistral", "<tool_call>"));
        Assert.Equal(ToolCallFamily.Hermes, ToolCallFamilies.Resolve("auto", "<tool_call>"));
        Assert.Equal(ToolCallFamily.Hermes, ToolCallFamilies.Resolve(null, "<tool_call>"));
    }

    [Fact]
    public void NewCallId_Mistral_IsNineLettersOrDigits()
    {
        // Mistral templates raise unless a call id is 9 letters or digits, so ids given out must round-trip.
        Assert.Matches("^[a-zA-Z0-9]{9}$", ToolCallDialect.For(ToolCallFamily.Mistral).NewCallId());
        Assert.StartsWith("call_", ToolCallDialect.For(ToolCallFamily.Hermes).NewCallId(), StringComparison.Ordinal);
    }
}
