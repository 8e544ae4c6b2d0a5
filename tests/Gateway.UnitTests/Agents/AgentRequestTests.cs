using System.Text.Json;
using Gateway.Agents.Runtime;
using Gateway.Host.Agents;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Agents;

/// <summary>How an agent request's conversation and the caller's own tools are read, and what a mistake answers.</summary>
public sealed class AgentRequestTests
{
    private const string Tool = """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void FromChat_ToolCallsAndResults_BecomeFunctionContentsKeepingText()
    {
        var messages = AgentMessages.FromChat(Body("""
            {"messages":[
              {"role":"user","content":"weather?"},
              {"role":"assistant","content":"Plan: ask","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"21 C"}]}]}
            """), out var error);

        Assert.Null(error);
        Assert.Equal("Plan: ask", messages![1].Text);
        var call = messages[1].Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal(("call_1", "get_weather", "{\"city\":\"Paris\"}"), (call.CallId, call.Name, ToolCalls.ArgumentsJson(call)));
        var result = messages[2].Contents.OfType<FunctionResultContent>().Single();
        Assert.Equal((ChatRole.Tool, "call_1", (object?)"21 C"), (messages[2].Role, result.CallId, result.Result));
    }

    [Theory]
    [InlineData("""[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"call_x","content":"r"}]""", "messages[1].tool_call_id")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"b","content":"r"}]""", "messages[2].tool_call_id")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"user","content":"r"}]""", "messages[1].tool_calls")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}]""", "messages[1].tool_calls")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]""", "messages[1].tool_calls[0]")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"tool","content":"r"}]""", "messages[1].tool_call_id")]
    [InlineData("""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":{}}]""", "messages[1].tool_calls")]
    public void FromChat_ToolMessagesThatDoNotMatch_400NamingTheMessage(string messages, string param)
    {
        Assert.Null(AgentMessages.FromChat(Body($$"""{"messages":{{messages}}}"""), out var error));

        Assert.Equal((400, param), (error!.Status, error.Param));
    }

    [Fact]
    public void Parse_FunctionTools_ReadWithSchemaAndPrimaryParameter()
    {
        var offer = ClientToolRequest.Parse(Body($$"""{"tools":[{{Tool}}],"parallel_tool_calls":false}"""), out var error);

        Assert.Null(error);
        var tool = Assert.Single(offer!.Tools);
        Assert.Equal(("get_weather", "Weather", "city"), (tool.Name, tool.Description, tool.PrimaryParameter));
        Assert.False(offer.ParallelCalls);
        Assert.Equal("{\"city\":\"Paris\"}", tool.ArgumentsFor("Paris"));
        Assert.Equal("{\"city\":\"Rome\"}", tool.ArgumentsFor("{\"city\": \"Rome\"}"));
    }

    [Theory]
    [InlineData("auto", 1)]
    [InlineData("none", 0)]
    public void Parse_ToolChoiceAutoOrNone_OffersTheToolsOrNone(string choice, int offered)
    {
        var offer = ClientToolRequest.Parse(Body($$"""{"tools":[{{Tool}}],"tool_choice":"{{choice}}"}"""), out var error);

        Assert.Null(error);
        Assert.Equal(offered, offer!.Tools.Count);
    }

    [Theory]
    [InlineData("""{"tools":{}}""", "tools", "invalid_type")]
    [InlineData("""{"tools":[{"type":"function","function":{"description":"no name"}}]}""", "tools[0].function.name", "missing_required_parameter")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"has space"}}]}""", "tools[0].function.name", "invalid_value")]
    [InlineData("""{"tools":[{"type":"code_interpreter"}]}""", "tools[0].type", "invalid_value")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]}""", "tools[0].function.parameters", "invalid_type")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]}""", "tools[1].function.name", "invalid_value")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":false}}}]}""", "tools[0].function.parameters", "invalid_value")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","required":"city"}}}]}""", "tools[0].function.parameters", "invalid_value")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":[]}}}]}""", "tools[0].function.parameters", "invalid_value")]
    [InlineData("""{"tools":[],"tool_choice":"required"}""", "tool_choice", "unsupported_value")]
    [InlineData("""{"tools":[],"tool_choice":{"type":"function","function":{"name":"f"}}}""", "tool_choice", "unsupported_value")]
    [InlineData("""{"tools":[],"tool_choice":"sometimes"}""", "tool_choice", "invalid_value")]
    [InlineData("""{"parallel_tool_calls":"yes"}""", "parallel_tool_calls", "invalid_type")]
    public void Parse_BadToolsOrChoice_400WithParamAndCode(string body, string param, string code)
    {
        Assert.Null(ClientToolRequest.Parse(Body(body), out var error));

        Assert.Equal((400, "invalid_request_error", param, code), (error!.Status, error.Type, error.Param, error.Code));
    }

    private static string Tools(int count) => string.Join(',', Enumerable.Range(0, count).Select(i => $$$"""{"type":"function","function":{"name":"f{{{i}}}"}}"""));

    private static string Nested(int depth) => depth == 1 ? "[]" : $"[{Nested(depth - 1)}]";

    public static TheoryData<string, string, string> OverLimitTools => new()
    {
        // 129 = AgentRequestLimits.MaxTools + 1
        { $$$"""{"tools":[{{{Tools(129)}}}]}""", "tools", "too_many_tools" },
        { $$$"""{"tools":[{"type":"function","function":{"name":"{{{new string('n', 65)}}}"}}]}""", "tools[0].function.name", "invalid_value" },
        { $$$"""{"tools":[{"type":"function","function":{"name":"f","description":"{{{new string('d', 16_385)}}}"}}]}""", "tools[0].function.description", "string_above_max_length" },
        // A schema of 65,537+ bytes, and one of 33 levels (the object and 32 nested arrays).
        { $$$"""{"tools":[{{{Tool}}},{"type":"function","function":{"name":"f","parameters":{"type":"object","description":"{{{new string('d', 65_536)}}}""" + "\"}}}]}", "tools[1].function.parameters", "invalid_value" },
        { $$$"""{"tools":[{"type":"function","function":{"name":"f","parameters":{"default":{{{Nested(32)}}}""" + "}}}]}", "tools[0].function.parameters", "invalid_value" },
    };

    [Theory]
    [MemberData(nameof(OverLimitTools))]
    public void Parse_ToolsOverTheirBounds_400NamingTheField(string body, string param, string code)
    {
        Assert.Null(ClientToolRequest.Parse(Body(body), out var error));

        Assert.Equal((400, "invalid_request_error", param, code), (error!.Status, error.Type, error.Param, error.Code));
    }

    [Fact]
    public void Parse_ToolsAtTheirBounds_Accepted()
    {
        var offer = ClientToolRequest.Parse(Body($$$"""{"tools":[{{{Tools(127)}}},{"type":"function","function":{"name":"{{{new string('n', 64)}}}","parameters":{"default":{{{Nested(31)}}}""" + "}}}]}"), out var error);

        Assert.Null(error);
        Assert.Equal(128, offer!.Tools.Count);
    }

    public static TheoryData<string, string> OverLimitMessages => new()
    {
        // 2049 = AgentRequestLimits.MaxMessages + 1
        { "[" + string.Join(',', Enumerable.Repeat("""{"role":"user","content":"q"}""", 2049)) + "]", "messages" },
        {
            """[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[""" + string.Join(',', Enumerable.Range(0, 129)
                .Select(i => $$$"""{"id":"c{{{i}}}","type":"function","function":{"name":"f","arguments":"{}"}}""")) + "]}]",
            "messages[1].tool_calls"
        },
        {
            $$$"""[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":\"{{{new string('a', 65_536)}}}\"}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}]""",
            "messages[1].tool_calls[0].function.arguments"
        },
    };

    [Theory]
    [MemberData(nameof(OverLimitMessages))]
    public void FromChat_ConversationOverItsBounds_400NamingTheField(string messages, string param)
    {
        Assert.Null(AgentMessages.FromChat(Body($$$"""{"messages":{{{messages}}}}"""), out var error));

        Assert.Equal((400, param), (error!.Status, error.Param));
    }
}
