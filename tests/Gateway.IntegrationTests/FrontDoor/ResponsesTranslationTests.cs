using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>What a remote upstream receives for a Responses API request, and what the caller gets back.</summary>
public sealed class ResponsesTranslationTests(FrontDoorFixture fixture) : IClassFixture<FrontDoorFixture>
{
    [Fact]
    public async Task Responses_RemoteUpstream_GetsTheEquivalentChatRequestAndItsToolCallComesBackAsAnItem()
    {
        using var client = fixture.Gateway.CreateClient();
        const string Body = """
            {
              "model": "alpha",
              "instructions": "Be brief.",
              "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Weather "}, {"type": "input_text", "text": "in Paris?"}]},
                {"type": "function_call", "call_id": "call_9", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call_output", "call_id": "call_9", "output": "18 C"},
                {"role": "user", "content": "And tomorrow?"}
              ],
              "tools": [{"type": "function", "name": "get_weather", "description": "Weather now", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
              "tool_choice": "required",
              "max_output_tokens": 50,
              "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": true}},
              "store": true,
              "metadata": {"team": "a"},
              "seed": 3
            }
            """;

        using var response = await client.PostAsync("/v1/responses", new StringContent(Body, Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").Json!;
        Assert.Equal("alpha-upstream-id", sent["model"]!.GetValue<string>());
        var messages = sent["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Be brief.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("Weather in Paris?", messages[1]!["content"]!.GetValue<string>());
        Assert.Equal("call_9", messages[2]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("get_weather", messages[2]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(("call_9", "18 C"), (messages[3]!["tool_call_id"]!.GetValue<string>(), messages[3]!["content"]!.GetValue<string>()));
        Assert.Equal("get_weather", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("Weather now", sent["tools"]![0]!["function"]!["description"]!.GetValue<string>());
        Assert.Equal("required", sent["tool_choice"]!.GetValue<string>());
        Assert.Equal(50, sent["max_tokens"]!.GetValue<int>());
        Assert.Equal("w", sent["response_format"]!["json_schema"]!["name"]!.GetValue<string>());
        Assert.Equal(3, sent["seed"]!.GetValue<int>());
        Assert.All(new[] { "input", "instructions", "store", "metadata", "text", "max_output_tokens" }, f => Assert.False(sent.AsObject().ContainsKey(f), f));

        Assert.Equal("response", json["object"]!.GetValue<string>());
        Assert.Equal("completed", json["status"]!.GetValue<string>());
        var call = Assert.Single(json["output"]!.AsArray())!;
        Assert.Equal(("function_call", "call_1", "get_weather", "{\"city\":\"Paris\"}"),
            (call["type"]!.GetValue<string>(), call["call_id"]!.GetValue<string>(), call["name"]!.GetValue<string>(), call["arguments"]!.GetValue<string>()));
        Assert.Equal((5, 4, 9), (json["usage"]!["input_tokens"]!.GetValue<int>(), json["usage"]!["output_tokens"]!.GetValue<int>(), json["usage"]!["total_tokens"]!.GetValue<int>()));
        Assert.Equal("alpha", response.Headers.GetValues("x-gateway-model").Single());
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").Headers["x-request-id"]);
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Matches("gateway_http_requests_total\\{route=\"responses\",model=\"alpha\",status=\"200\"\\} [1-9]", metrics);
    }
}
