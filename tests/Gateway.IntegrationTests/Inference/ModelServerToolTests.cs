using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class ModelServerToolTests(LocalModelFixture fixture)
{
    private static readonly object[] Tools =
    [
        new
        {
            type = "function",
            function = new
            {
                name = "get_weather",
                description = "Weather for a city",
                parameters = Chat.WeatherParameters.ToObjectFromJson<JsonElement>(),
            },
        },
        new { type = "function", function = new { name = "get_time", parameters = new { type = "object", properties = new { } } } },
    ];

    [Fact]
    public async Task Chat_ToolChoiceRequired_ReturnsToolCallMatchingItsSchema()
    {
        using var response = await fixture.ChatAsync("tiny", Chat.Body("Weather in Paris?", 400, 3, new { tools = Tools, tool_choice = "required" }));

        var choice = response.RootElement.GetProperty("choices")[0];
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        var name = call.GetProperty("function").GetProperty("name").GetString();
        Assert.Contains(name, new[] { "get_weather", "get_time" });
        using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        if (name == "get_weather")
        {
            AssertWeatherArguments(args.RootElement);
        }
    }

    [Fact]
    public async Task Chat_NamedToolStreaming_StreamsNameThenArgumentDeltasThatParse()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var choice = new { type = "function", function = new { name = "get_weather" } };

        using var stream = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Weather?", 400, 8, new { tools = Tools, tool_choice = choice, stream = true }));
        string? name = null;
        string? finish = null;
        var args = new StringBuilder();
        var argumentChunks = 0;
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            var c = e.GetProperty("choices")[0];
            finish ??= c.GetProperty("finish_reason").GetString();
            if (!c.GetProperty("delta").TryGetProperty("tool_calls", out var calls))
            {
                continue;
            }
            var function = calls[0].GetProperty("function");
            if (function.TryGetProperty("name", out var n))
            {
                name = n.GetString();
            }
            var fragment = function.GetProperty("arguments").GetString();
            args.Append(fragment);
            argumentChunks += string.IsNullOrEmpty(fragment) ? 0 : 1;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("tool_calls", finish);
        Assert.True(argumentChunks > 1, "arguments should arrive as several deltas");
        using var parsed = JsonDocument.Parse(args.ToString());
        AssertWeatherArguments(parsed.RootElement);
    }

    [Fact]
    public async Task Chat_ToolChoiceAuto_AnswersInTextOrAValidCall()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var response = await fixture.ChatAsync("tiny", Chat.Body("Weather?", 200, seed, new { tools = Tools, tool_choice = "auto" }));

            var message = response.RootElement.GetProperty("choices")[0].GetProperty("message");
            if (message.TryGetProperty("tool_calls", out var calls))
            {
                Assert.Equal("tool_calls", Chat.FinishReason(response));
                using var args = JsonDocument.Parse(calls[0].GetProperty("function").GetProperty("arguments").GetString()!);
            }
            else
            {
                // Free text: the lazy grammar would have made an opener a call.
                Assert.DoesNotContain("<tool_call>", message.GetProperty("content").GetString()!, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Chat_ToolChoiceNone_AnswersInText()
    {
        using var response = await fixture.ChatAsync("tiny", Chat.Body("Weather?", 10, 3, new { tools = Tools, tool_choice = "none" }));

        var message = response.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal("length", Chat.FinishReason(response));
    }

    private static void AssertWeatherArguments(JsonElement args)
    {
        Assert.Equal(JsonValueKind.String, args.GetProperty("city").ValueKind);
        Assert.Contains(args.GetProperty("unit").GetString(), new[] { "c", "f" });
        Assert.True(args.GetProperty("days").TryGetInt64(out _));
    }
}
