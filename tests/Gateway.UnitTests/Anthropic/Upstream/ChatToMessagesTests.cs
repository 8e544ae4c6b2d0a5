using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Anthropic.Upstream;
using Gateway.Host.Catalog;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.Anthropic.Upstream;

public sealed class ChatToMessagesTests
{
    private static readonly CatalogModel Model = CatalogBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:Models:claude:Provider"] = "anthropic",
        ["Gateway:Models:claude:UpstreamModel"] = "claude-x",
        ["Gateway:Models:claude:DefaultMaxTokens"] = "1000",
    }).Build(), _ => null).Models[0];

    private static JsonObject Translate(string chat)
    {
        var body = ChatToMessages.Translate(Encoding.UTF8.GetBytes(chat), Model, out var error);
        Assert.Null(error);
        return JsonNode.Parse(body!)!.AsObject();
    }

    [Fact]
    public void Build_AnthropicWithoutBaseUrl_UsesAnthropicsApiAndNoBearer()
    {
        Assert.Equal(new Uri(CatalogBuilder.AnthropicBaseUrl), Assert.Single(Model.Destinations));
        Assert.True(Model.IsAnthropic);
        Assert.Null(Model.UpstreamAuthorization);
    }

    [Fact]
    public void Translate_SystemImagesAndStops_MessagesShape()
    {
        var request = Translate("""
            {"model":"claude","messages":[{"role":"system","content":"A."},{"role":"developer","content":[{"type":"text","text":"B."}]},
             {"role":"user","content":[{"type":"text","text":"See"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
              {"type":"image_url","image_url":{"url":"https://x.test/a.jpg"}}]}],"stop":"END","seed":3,"user":"u1"}
            """);

        Assert.Equal("claude-x", request["model"]!.GetValue<string>());
        Assert.Equal("A.\n\nB.", request["system"]!.GetValue<string>());
        Assert.Equal(
            """[{"type":"text","text":"See"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},{"type":"image","source":{"type":"url","url":"https://x.test/a.jpg"}}]""",
            request["messages"]![0]!["content"]!.ToJsonString());
        Assert.Equal(("""["END"]""", 1000, "u1"), (request["stop_sequences"]!.ToJsonString(), request["max_tokens"]!.GetValue<int>(), request["metadata"]!["user_id"]!.GetValue<string>()));
        Assert.False(request.ContainsKey("seed"));
    }

    [Theory]
    [InlineData("\"auto\"", """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData("\"required\"", """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", """{"type":"tool","name":"f","disable_parallel_tool_use":true}""")]
    public void Translate_ToolChoiceWithoutParallelCalls_AnthropicsChoice(string choice, string expected)
    {
        var request = Translate($$$"""
            {"model":"claude","messages":[{"role":"user","content":"x"}],"parallel_tool_calls":false,"tool_choice":{{{choice}}},
             "tools":[{"type":"function","function":{"name":"f"}}]}
            """);

        Assert.Equal(expected, request["tool_choice"]!.ToJsonString());
        Assert.Equal("""[{"name":"f","input_schema":{"type":"object","properties":{}}}]""", request["tools"]!.ToJsonString());
    }

    [Theory]
    [InlineData("low", 4000, 2048)]
    [InlineData("high", 4000, 3999)]
    public void Translate_ReasoningEffort_ThinkingBudgetBelowMaxTokens(string effort, int max, int budget)
    {
        var request = Translate($$"""{"model":"claude","messages":[{"role":"user","content":"x"}],"reasoning_effort":"{{effort}}","max_tokens":{{max}}}""");

        Assert.Equal(budget, request["thinking"]!["budget_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Translate_ReasoningWithNoRoomForTheSmallestBudget_NoThinking()
    {
        var request = Translate("""{"model":"claude","messages":[{"role":"user","content":"x"}],"reasoning_effort":"high","max_tokens":500}""");

        Assert.False(request.ContainsKey("thinking"));
    }

    [Theory]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":"x"}],"n":2}""", "n")]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":"x"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""", "response_format")]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"claude","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[0].tool_calls[0].function.arguments")]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":"x"}],"tools":[{"type":"custom","custom":{"name":"g"}}]}""", "tools[0]")]
    public void Translate_NoEquivalent_400NamingTheField(string chat, string param)
    {
        Assert.Null(ChatToMessages.Translate(Encoding.UTF8.GetBytes(chat), Model, out var error));

        Assert.Equal((400, param), (error!.Status, error.Param));
    }
}
