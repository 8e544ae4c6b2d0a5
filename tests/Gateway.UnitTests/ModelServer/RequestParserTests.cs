using System.Text.Json;
using Gateway.Inference.Grammar;
using Gateway.ModelServer.Api;

namespace Gateway.UnitTests.ModelServer;

public sealed class RequestParserTests
{
    private const string Tools = """[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}}]""";

    [Theory]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"wizard","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"temperature":3}""", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"top_p":0}""", "top_p")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":99999999999}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":2}""", "n")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]}""", "stop")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"seed":"abc"}""", "seed")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logit_bias":{"x":1}}""", "logit_bias")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}}""", "response_format")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":TOOLS,"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content")]
    [InlineData("""{"messages":[{"role":"user","content":[5]}]}""", "messages[0].content")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":5,"text":"x"}]}]}""", "messages[0].content")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}""", "messages[0].content")]
    [InlineData("""{"messages":[{"role":"assistant","content":null,"tool_calls":[[]]}]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"messages":[{"role":"assistant","content":null,"tool_calls":[{"function":{"name":5}}]}]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":5}}""", "response_format")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":5}}""", "response_format.json_schema.schema")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[5]}""", "tools[0]")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":"f"}]}""", "tools[0]")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":TOOLS,"tool_choice":{"type":"function","function":"f"}}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":TOOLS,"tool_choice":{"type":"function","function":{"name":5}}}""", "tool_choice")]
    public void ParseChat_InvalidRequest_ThrowsBadRequestNamingTheParameter(string json, string param)
    {
        using var doc = JsonDocument.Parse(json.Replace("TOOLS", Tools, StringComparison.Ordinal));

        var error = Assert.Throws<ApiException>(() => RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full));

        Assert.Equal(400, error.Status);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void ParseChat_IntegerBeyondRange_SaysSoRatherThanNotAnInteger()
    {
        using var doc = JsonDocument.Parse("""{"messages":[{"role":"user","content":"x"}],"max_tokens":99999999999}""");

        var error = Assert.Throws<ApiException>(() => RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full));

        Assert.Contains("between", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBody_BrokenUtf8_ThrowsBadRequest()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new MemoryStream([.. "{\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xFF, 0xFE, .. "\"}]}"u8]);

        var error = await Assert.ThrowsAsync<ApiException>(() => RequestParser.ReadBodyAsync(context.Request, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBody_ValidObject_Parses()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new MemoryStream("{\"messages\":[{\"role\":\"user\",\"content\":\"héllo\"}]}"u8.ToArray());

        using var body = await RequestParser.ReadBodyAsync(context.Request, CancellationToken.None);

        Assert.Equal("héllo", body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void ParseChat_FullRequest_CarriesSamplingStopsAndGrammar()
    {
        using var doc = JsonDocument.Parse("""
            {"model":"m","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]}],
             "temperature":0.2,"top_p":0.5,"seed":7,"max_completion_tokens":9,"stop":"END","stream":true,
             "stream_options":{"include_usage":true},"response_format":{"type":"json_object"}}
            """);

        var request = RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full);

        Assert.Equal([("system", "be brief"), ("user", "hi")], request.Messages);
        Assert.Equal(0.2f, request.Temperature);
        Assert.Equal(0.5f, request.TopP);
        Assert.Equal(7u, request.Seed);
        Assert.Equal(9, request.MaxTokens);
        Assert.Equal(["END"], request.Stop);
        Assert.True(request.Stream && request.IncludeUsage);
        Assert.Contains("root ::= object", request.Grammar, StringComparison.Ordinal);
        Assert.Equal(ToolMode.None, request.ToolMode);
    }

    [Theory]
    [InlineData("\"auto\"", "Auto", "tool-call | text")]
    [InlineData("\"required\"", "Required", "tool-call")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", "Named", "tool-call")]
    public void ParseChat_Tools_GrammarAndTemplateToolsFollowToolChoice(string choice, string modeName, string root)
    {
        var mode = Enum.Parse<ToolMode>(modeName);
        using var doc = JsonDocument.Parse($$"""{"messages":[{"role":"user","content":"x"}],"tools":{{Tools}},"tool_choice":{{choice}}}""");

        var request = RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full);

        Assert.Equal(mode, request.ToolMode);
        Assert.Contains($"root ::= {root}\n", request.Grammar, StringComparison.Ordinal);
        // The tools reach the prompt when it is rendered (through the model's template, or as instructions), not here.
        Assert.Single(request.Messages);
        Assert.NotEmpty(request.TemplateTools!);
    }

    [Fact]
    public void ParseChat_ToolChoiceNone_NoGrammarAndNoToolInstructions()
    {
        using var doc = JsonDocument.Parse($$"""{"messages":[{"role":"user","content":"x"}],"tools":{{Tools}},"tool_choice":"none"}""");

        var request = RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full);

        Assert.Null(request.Grammar);
        Assert.Equal(ToolMode.None, request.ToolMode);
        Assert.Single(request.Messages);
    }

    [Fact]
    public void ParseChat_AssistantToolCallHistory_IsReplayedInTheModelsForm()
    {
        using var doc = JsonDocument.Parse("""
            {"messages":[{"role":"user","content":"x"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\": 1}"}}]},
             {"role":"tool","tool_call_id":"c1","content":"42"}]}
            """);

        var request = RequestParser.ParseChat(doc.RootElement, JsonGrammarLimits.Full);

        Assert.Equal("<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}}</tool_call>", request.Messages[1].Content);
        Assert.Equal(("tool", "42"), request.Messages[2]);
    }
}
