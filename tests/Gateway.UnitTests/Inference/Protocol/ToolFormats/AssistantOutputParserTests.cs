using Gateway.Inference.Protocol.ToolFormats;
using static Gateway.UnitTests.Inference.Protocol.ToolFormats.ParsedOutput;

namespace Gateway.UnitTests.Inference.Protocol.ToolFormats;

/// <summary>
/// The parsing cases of llama.cpp's tests/test-chat.cpp for the families supported here. The expected messages are
/// test-chat.cpp's: message_assist ("Hello, world!\nWhat's up?"), message_assist_call (special_function with
/// {"arg1": 1}), message_assist_thoughts (reasoning "I'm\nthinking").
/// </summary>
public sealed class AssistantOutputParserTests
{
    private const string Hello = "Hello, world!\nWhat's up?";

    [Theory]
    [InlineData(ToolCallFamily.Hermes)]
    [InlineData(ToolCallFamily.Llama3)]
    [InlineData(ToolCallFamily.Mistral)]
    [InlineData(ToolCallFamily.FireFunction)]
    [InlineData(ToolCallFamily.FunctionaryV31)]
    [InlineData(ToolCallFamily.Generic)]
    public void Parse_PlainAnswerWithToolsOffered_IsContent(ToolCallFamily family)
    {
        // ported from test-chat.cpp: tst.test("Hello, world!\nWhat's up?").expect(message_assist), for each family's template
        var message = Parse(family, Hello);

        Assert.Equal(Hello, message.Content);
        Assert.Empty(message.ToolCalls);
        Assert.Equal("", message.Reasoning);
    }

    [Fact]
    public void Parse_HermesCall_IsToolCall()
    {
        // ported from test-chat.cpp: MiMo-VL / Hermes 3 / Qwen 2.5 (Common <tool_call> JSON format), message_assist_call
        var message = Parse(ToolCallFamily.Hermes, "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Equal("", message.Content);
    }

    [Fact]
    public void Parse_HermesCallWithoutNewlines_IsToolCall()
    {
        // ported from test-chat.cpp: NousResearch-Hermes-2-Pro and Hermes-3, message_assist_call
        var message = Parse(ToolCallFamily.Hermes, "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}</tool_call>");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_HermesContentThenCall_KeepsBoth()
    {
        // ported from test-chat.cpp: NousResearch-Hermes-2-Pro, message_assist_call_content
        var message = Parse(ToolCallFamily.Hermes, Hello + "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}</tool_call>");

        Assert.Equal(Hello, message.Content);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_HermesContentNewlineThenCall_TrimsTheContent()
    {
        // ported from test-chat.cpp: Reka Edge, "Hello, world!\nWhat's up?\n<tool_call>…" expects message_assist_call_content
        var message = Parse(ToolCallFamily.Hermes, Hello + "\n<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>");

        Assert.Equal(Hello, message.Content);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_HermesThinkingThenCall_SplitsReasoningAndCall()
    {
        // ported from test-chat.cpp: Reka Edge, "I'm\nthinking\n</think>\n\n<tool_call>…" with thinking on, message_assist_call_thoughts
        var message = Parse(
            ToolCallFamily.Hermes, "I'm\nthinking\n</think>\n\n<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>", thinkingOpen: true);

        Assert.Equal("I'm\nthinking", message.Reasoning);
        Assert.Equal("", message.Content);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_HermesTwoCalls_AreBothToolCalls()
    {
        // ported from test-chat.cpp: Reka Edge, two <tool_call> blocks (special_function, special_function_with_opt)
        var message = Parse(
            ToolCallFamily.Hermes,
            "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>\n<tool_call>\n{\"name\": \"special_function_with_opt\", \"arguments\": {\"arg1\": 1, \"arg2\": 2}}\n</tool_call>");

        Assert.Equal(2, message.ToolCalls.Count);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
        AssertCall(message, "special_function_with_opt", "{\"arg1\": 1, \"arg2\": 2}", 1);
    }

    [Fact]
    public void Parse_MistralNemoCall_IsToolCallWithNineCharacterId()
    {
        // ported from test-chat.cpp: mistralai-Mistral-Nemo-Instruct-2407.jinja, message_assist_call_id (the model's
        // id "123456789" is replaced by a fresh id of the same shape, as every call's id is generated here)
        var message = Parse(ToolCallFamily.Mistral, "[TOOL_CALLS][{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}, \"id\": \"123456789\"}]");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Matches("^[a-zA-Z0-9]{9}$", message.ToolCalls[0].Id);
    }

    [Fact]
    public void Parse_MistralContentThenTwoCalls_KeepsContentAndBothCalls()
    {
        // ported from test-chat.cpp: Mistral Small 3.2, "Hello, world!\nWhat's up?[TOOL_CALLS]…" in Nemo's list form, parallel calls
        var message = Parse(
            ToolCallFamily.Mistral,
            Hello + "[TOOL_CALLS][{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}, {\"name\": \"special_function_with_opt\", \"arguments\": {\"arg1\": 1, \"arg2\": 2}}]");

        Assert.Equal(Hello, message.Content);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
        AssertCall(message, "special_function_with_opt", "{\"arg1\": 1, \"arg2\": 2}", 1);
    }

    [Fact]
    public void Parse_FireFunctionCall_IsToolCall()
    {
        // ported from test-chat.cpp: FireFunction (fireworks-ai-llama-3-firefunction-v2.jinja), message_assist_call
        var message = Parse(ToolCallFamily.FireFunction, " functools[{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}]");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Equal("", message.Content);
    }

    [Fact]
    public void Parse_FunctionaryV31Call_IsToolCall()
    {
        // ported from test-chat.cpp: meetkai-functionary-medium-v3.1.jinja, message_assist_call
        var message = Parse(ToolCallFamily.FunctionaryV31, "<function=special_function>{\"arg1\": 1}</function>");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Equal("", message.Content);
    }

    [Fact]
    public void Parse_Llama3JsonCall_IsToolCall()
    {
        // ported from test-chat.cpp (test_template_output_parsers, COMMON_CHAT_FORMAT_LLAMA_3_X):
        // {"name": "special_function", "parameters": {"arg1": 1}} is message_assist_call
        var message = Parse(ToolCallFamily.Llama3, "{\"name\": \"special_function\", \"parameters\": {\"arg1\": 1}}");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Equal("", message.Content);
    }

    [Fact]
    public void Parse_Llama3JsonCallWithType_IsToolCall()
    {
        // ported from test-chat.cpp (COMMON_CHAT_FORMAT_LLAMA_3_X): the {"type": "function", "name": …} variant
        var message = Parse(ToolCallFamily.Llama3, "{\"type\": \"function\", \"name\": \"special_function\", \"parameters\": {\"arg1\": 1}}");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_Llama3PythonTagBuiltinCall_IsToolCallWithKeywordArguments()
    {
        // ported from test-chat.cpp (COMMON_CHAT_FORMAT_LLAMA_3_X_WITH_BUILTIN_TOOLS):
        // "<|python_tag|>python.call(code=\"print('hey')\")" is message_assist_call_python
        var message = Parse(ToolCallFamily.Llama3, "<|python_tag|>python.call(code=\"print('hey')\")");

        AssertCall(message, "python", "{\"code\": \"print('hey')\"}");
    }

    [Fact]
    public void Parse_Llama3PythonTagJsonCall_IsToolCall()
    {
        // ported from test-chat.cpp (COMMON_CHAT_FORMAT_LLAMA_3_X_WITH_BUILTIN_TOOLS): a JSON call after <|python_tag|>
        var message = Parse(ToolCallFamily.Llama3, "<|python_tag|>{\"name\": \"special_function\", \"parameters\": {\"arg1\": 1}}");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_Llama3JsonAnswerWithoutName_IsContent()
    {
        // ported from test-chat.cpp: Llama 3.1 with a json_schema, "\"42\"" and an object answer stay content
        const string Answer = "{\"answer\": 42}";

        var message = Parse(ToolCallFamily.Llama3, Answer);

        Assert.Equal(Answer, message.Content);
        Assert.Empty(message.ToolCalls);
    }

    [Fact]
    public void Parse_ThinkingForcedOpen_SplitsReasoningFromContent()
    {
        // ported from test-chat.cpp: deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja, "I'm\nthinking</think>Hello…" is message_assist_thoughts
        var message = Parse(ToolCallFamily.Generic, "I'm\nthinking</think>" + Hello, tools: false, thinkingOpen: true);

        Assert.Equal("I'm\nthinking", message.Reasoning);
        Assert.Equal(Hello, message.Content);
    }

    [Fact]
    public void Parse_ThinkingForcedOpenClosedAtOnce_IsContentOnly()
    {
        // ported from test-chat.cpp: DeepSeek-R1-Distill-Llama-8B, "</think>Hello, world!\nWhat's up?" is message_assist
        var message = Parse(ToolCallFamily.Generic, "</think>" + Hello, tools: false, thinkingOpen: true);

        Assert.Equal("", message.Reasoning);
        Assert.Equal(Hello, message.Content);
    }

    [Fact]
    public void Parse_QwQThinkingWithNewlines_TrimsReasoningAndContent()
    {
        // ported from test-chat.cpp: Qwen-QwQ-32B, "Let me think about this...\n</think>\nThe answer is 42."
        var message = Parse(ToolCallFamily.Hermes, "Let me think about this...\n</think>\nThe answer is 42.", thinkingOpen: true);

        Assert.Equal("Let me think about this...", message.Reasoning);
        Assert.Equal("The answer is 42.", message.Content);
    }

    [Fact]
    public void Parse_ThinkTagsWrittenByTheModel_AreReasoning()
    {
        // ported from test-chat.cpp: ibm-granite-granite-3.3-2B-Instruct.jinja, "<think>I'm\nthinking</think>Hello…" is message_assist_thoughts
        var message = Parse(ToolCallFamily.Generic, "<think>I'm\nthinking</think>" + Hello);

        Assert.Equal("I'm\nthinking", message.Reasoning);
        Assert.Equal(Hello, message.Content);
    }

    [Fact]
    public void Parse_CallMarkerInsideThinking_IsReasoningNotACall()
    {
        // ported from test-chat.cpp: "triggers inside <think>...</think> are suppressed" (the Magistral case
        // "[THINK]Let me think about [TOOL_CALLS]…[/THINK]" with this family's tags)
        var message = Parse(
            ToolCallFamily.Hermes,
            "<think>Let me think about <tool_call>{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}</tool_call> and more</think>" +
            "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>");

        Assert.Equal("Let me think about <tool_call>{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}</tool_call> and more", message.Reasoning);
        Assert.Single(message.ToolCalls);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_ToolsNotOffered_MarkerIsContent()
    {
        // ported from test-chat.cpp: without tools, message_assist parsing leaves the text as it is
        const string Text = "<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>";

        var message = Parse(ToolCallFamily.Hermes, Text, tools: false);

        Assert.Equal(Text, message.Content);
        Assert.Empty(message.ToolCalls);
    }

    [Fact]
    public void Parse_MistralSmallCallWithCallId_IsToolCall()
    {
        // ported from test-chat.cpp: Mistral Small 3.2 - FUNC_BRACKET_TAG format, "[TOOL_CALLS]special_function[CALL_ID]123456789[ARGS]{\"arg1\": 1}"
        var message = Parse(ToolCallFamily.MistralArgs, "[TOOL_CALLS]special_function[CALL_ID]123456789[ARGS]{\"arg1\": 1}");

        AssertCall(message, "special_function", "{\"arg1\": 1}");
        Assert.Equal("", message.Content);
    }

    [Fact]
    public void Parse_MistralSmallTwoCalls_AreBothToolCalls()
    {
        // ported from test-chat.cpp: Mistral Small 3.2, two [TOOL_CALLS]…[CALL_ID]…[ARGS] calls in a row
        var message = Parse(
            ToolCallFamily.MistralArgs,
            "[TOOL_CALLS]special_function[CALL_ID]000000001[ARGS]{\"arg1\": 1}[TOOL_CALLS]special_function_with_opt[CALL_ID]000000002[ARGS]{\"arg1\": 1, \"arg2\": 2}");

        Assert.Equal(2, message.ToolCalls.Count);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
        AssertCall(message, "special_function_with_opt", "{\"arg1\": 1, \"arg2\": 2}", 1);
    }

    [Fact]
    public void Parse_DevstralContentThenCall_KeepsContentAndCall()
    {
        // ported from test-chat.cpp: unsloth-mistral-Devstral-Small-2507, "Hello, world!\nWhat's up?[TOOL_CALLS]special_function[ARGS]{\"arg1\": 1}"
        var message = Parse(ToolCallFamily.MistralArgs, Hello + "[TOOL_CALLS]special_function[ARGS]{\"arg1\": 1}");

        Assert.Equal(Hello, message.Content);
        AssertCall(message, "special_function", "{\"arg1\": 1}");
    }

    [Fact]
    public void Parse_GenericCall_IsToolCall()
    {
        var message = Parse(ToolCallFamily.Generic, Gateway.Inference.Protocol.ToolCallFormat.Format("get_weather", "{\"city\": \"Paris\"}"));

        AssertCall(message, "get_weather", "{\"city\": \"Paris\"}");
    }
}
