using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

/// <summary>A model whose catalog entry forces the Mistral tool-call family: calls are written and read in that format.</summary>
[Collection(LocalModelCollection.Name)]
public sealed class ModelServerToolFormatTests(LocalModelFixture fixture)
{
    private static readonly object[] Tools =
    [
        new { type = "function", function = new { name = "get_weather", parameters = Chat.WeatherParameters.ToObjectFromJson<JsonElement>() } },
    ];

    [Fact]
    public async Task Chat_RequiredCallInMistralFormat_ComesBackAsToolCallWithMistralId()
    {
        using var response = await fixture.ChatAsync("mistralfmt", Chat.Body("Weather in Paris?", 400, 3, new { tools = Tools, tool_choice = "required" }));

        var choice = response.RootElement.GetProperty("choices")[0];
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());

        // Mistral templates accept only 9-character ids when the call comes back in the conversation.
        Assert.Matches("^[a-zA-Z0-9]{9}$", call.GetProperty("id").GetString());
        using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.String, args.RootElement.GetProperty("city").ValueKind);
    }

    [Fact]
    public async Task Chat_NamedCallStreamedInMistralFormat_StreamsIdNameThenArguments()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("mistralfmt");
        var choice = new { type = "function", function = new { name = "get_weather" } };

        using var stream = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Weather?", 400, 8, new { tools = Tools, tool_choice = choice, stream = true }));
        string? id = null;
        string? name = null;
        string? finish = null;
        var args = new StringBuilder();
        var content = new StringBuilder();
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            var c = e.GetProperty("choices")[0];
            finish ??= c.GetProperty("finish_reason").GetString();
            var delta = c.GetProperty("delta");
            if (delta.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
            {
                content.Append(text.GetString());
            }
            if (!delta.TryGetProperty("tool_calls", out var calls))
            {
                continue;
            }
            Assert.Equal(0, calls[0].GetProperty("index").GetInt32());
            if (calls[0].TryGetProperty("id", out var i))
            {
                id = i.GetString();
                name = calls[0].GetProperty("function").GetProperty("name").GetString();
            }
            args.Append(calls[0].GetProperty("function").GetProperty("arguments").GetString());
        }

        Assert.Equal("get_weather", name);
        Assert.Matches("^[a-zA-Z0-9]{9}$", id);
        Assert.Equal("tool_calls", finish);
        Assert.Equal("", content.ToString()); // The [TOOL_CALLS] marker and the list's brackets are not content.
        using var parsed = JsonDocument.Parse(args.ToString());
        Assert.Equal(JsonValueKind.String, parsed.RootElement.GetProperty("city").ValueKind);
    }
}
