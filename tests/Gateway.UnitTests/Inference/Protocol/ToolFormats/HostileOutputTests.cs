using Gateway.Inference.Protocol.ToolFormats;
using static Gateway.UnitTests.Inference.Protocol.ToolFormats.ParsedOutput;

namespace Gateway.UnitTests.Inference.Protocol.ToolFormats;

/// <summary>Output no model should write: the parser keeps every character and throws nothing.</summary>
public sealed class HostileOutputTests
{
    [Theory]
    [InlineData("<tool_call>{\"name\": oops}</tool_call>")]
    [InlineData("<tool_call>not json at all</tool_call> tail")]
    [InlineData("<tool_call>[1, 2, 3]</tool_call>")]
    [InlineData("<tool_call>{\"arguments\": {}}</tool_call>")]
    [InlineData("<tool_call>")]
    [InlineData("<tool_call>{\"name\": \"f\\u\", \"arguments\": {}}</tool_call>")]
    public void Parse_MalformedHermesCall_IsContentKeptWhole(string text)
    {
        var message = Parse(ToolCallFamily.Hermes, text);

        Assert.Empty(message.ToolCalls);
        Assert.Equal(text.TrimEnd(), message.Content);
    }

    [Theory]
    [InlineData(ToolCallFamily.Mistral, "[TOOL_CALLS] no list here")]
    [InlineData(ToolCallFamily.Mistral, "[TOOL_CALLS][\"x\"]")]
    [InlineData(ToolCallFamily.FunctionaryV31, "<function=has space>{}</function>")]
    [InlineData(ToolCallFamily.Llama3, "<|python_tag|>print('no call')")]
    [InlineData(ToolCallFamily.Llama3, "{\"name\": 1, \"parameters\": {}}")]
    public void Parse_MalformedCallInOtherFamilies_IsContentKeptWhole(ToolCallFamily family, string text)
    {
        var message = Parse(family, text);

        Assert.Empty(message.ToolCalls);
        Assert.Equal(text, message.Content);
    }

    [Fact]
    public void Parse_CallWithMalformedArguments_IsCallWithTheArgumentsAsWritten()
    {
        // As OpenAI documents, arguments are what the model wrote and may not be valid JSON; the client decides.
        var message = Parse(ToolCallFamily.Hermes, "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": nope}}</tool_call>");

        var call = Assert.Single(message.ToolCalls);
        Assert.Equal("f", call.Name);
        Assert.Equal("{\"a\": nope}", call.Arguments);
    }

    [Fact]
    public void Parse_UnterminatedThink_IsAllReasoning()
    {
        var message = Parse(ToolCallFamily.Hermes, "<think>I was cut off while <tool_call> thinking");

        Assert.Equal("I was cut off while <tool_call> thinking", message.Reasoning);
        Assert.Equal("", message.Content);
        Assert.Empty(message.ToolCalls);
    }

    [Fact]
    public void Parse_CallCutOffMidArguments_IsCallWithTheArgumentsSoFar()
    {
        // As test-chat.cpp's message_assist_call_cutoff_args: a call cut off by max_tokens keeps what was written.
        var message = Parse(ToolCallFamily.Hermes, "<tool_call>{\"name\": \"special_function\", \"arguments\": {\"arg");

        var call = Assert.Single(message.ToolCalls);
        Assert.Equal("special_function", call.Name);
        Assert.Equal("{\"arg", call.Arguments);
    }

    [Fact]
    public void Parse_HugeArguments_AreKeptWhole()
    {
        var big = new string('x', 200_000);
        var arguments = $"{{\"blob\": \"{big}\", \"nested\": [[[[[[[[[[1]]]]]]]]]]}}";

        var message = AssistantOutputParser.Parse($"<tool_call>{{\"name\": \"f\", \"arguments\": {arguments}}}</tool_call>", ToolCallDialect.For(ToolCallFamily.Hermes), true, false);

        Assert.Equal(arguments, Assert.Single(message.ToolCalls).Arguments);
    }

    [Fact]
    public void Parse_DeeplyNestedCall_IsContentOrCallWithoutThrowing()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        var text = "<tool_call>{\"arguments\": " + deep + ", \"name\": \"f\"}</tool_call>";

        var message = AssistantOutputParser.Parse(text, ToolCallDialect.For(ToolCallFamily.Hermes), true, false);

        // Nesting past the JSON reader's depth is not a call; the text stays.
        Assert.Empty(message.ToolCalls);
        Assert.Equal(text, message.Content);
    }

    [Fact]
    public void Push_PartialMarkerThatDiverges_IsReleasedAsContent()
    {
        var parser = new AssistantOutputParser(ToolCallDialect.For(ToolCallFamily.Hermes), true, false);

        var held = parser.Push("a <tool_");
        var released = parser.Push("bar>");

        Assert.Equal("a", string.Concat(held.OfType<AssistantDelta.Content>().Select(c => c.Text)));
        Assert.Equal(" <tool_bar>", string.Concat(released.OfType<AssistantDelta.Content>().Select(c => c.Text)));
    }

    [Fact]
    public void Push_CallInPieces_StreamsNameBeforeArgumentsAreDone()
    {
        var parser = new AssistantOutputParser(ToolCallDialect.For(ToolCallFamily.Hermes), true, false);

        var first = parser.Push("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa");

        var started = Assert.Single(first.OfType<AssistantDelta.CallStarted>());
        Assert.Equal("get_weather", started.Name);
        Assert.Equal("{\"city\": \"Pa", string.Concat(first.OfType<AssistantDelta.CallArguments>().Select(a => a.Fragment)));
        Assert.True(parser.HasToolCalls);
    }
}
