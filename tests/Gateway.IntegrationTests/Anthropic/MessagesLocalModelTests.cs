using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using global::Anthropic;
using global::Anthropic.Models.Messages;
using Gateway.IntegrationTests.Inference;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// <c>/v1/messages</c> against a local model (a real ModelServer running the tiny GGUF) and a routed one
/// (<c>model: "auto"</c>, which this gateway's router sends to <c>tiny</c>). The stop tests need greedy sampling
/// (<c>temperature: 0</c>, so a stop sequence can be taken from an earlier answer), which the Anthropic SDK no longer
/// sends; they speak the API's JSON directly.
/// </summary>
public sealed class MessagesLocalModelTests(GatewayLocalModelFixture fixture) : IClassFixture<GatewayLocalModelFixture>
{
    private const string Prompt = "Tell me about the sea";

    private async Task<(JsonElement Body, string Raw)> PostAsync(int maxTokens, string? stop = null, bool stream = false)
    {
        var body = new JsonObject
        {
            ["model"] = "tiny",
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Prompt }),
        };
        if (stop is not null)
        {
            body["stop_sequences"] = new JsonArray("no such stop", stop);
        }

        using var response = await fixture.Http.PostAsJsonAsync("/v1/messages", body);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, raw);
        return (stream ? default : JsonDocument.Parse(raw).RootElement.Clone(), raw);
    }

    private static string Text(JsonElement message) =>
        string.Concat(message.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));

    /// <summary>Two characters from the middle of the greedy answer, and the text before their first occurrence.</summary>
    private async Task<(string Stop, string Before)> StopFromGreedyAnswerAsync()
    {
        var whole = Text((await PostAsync(24)).Body);
        var stop = whole.Substring(whole.Length / 2, 2);
        return (stop, whole[..whole.IndexOf(stop, StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task Create_LocalModelReachesMaxTokens_StopReasonMaxTokens()
    {
        var message = (await PostAsync(8)).Body;

        Assert.Equal("max_tokens", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        Assert.Equal(8, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_LocalModelMeetsStopSequence_StopReasonStopSequenceNamesIt()
    {
        var (stop, before) = await StopFromGreedyAnswerAsync();

        var message = (await PostAsync(24, stop)).Body;

        Assert.Equal(("stop_sequence", stop), (message.GetProperty("stop_reason").GetString(), message.GetProperty("stop_sequence").GetString()));
        Assert.Equal(before, Text(message));
    }

    [Fact]
    public async Task CreateStreaming_LocalModelMeetsStopSequence_MessageDeltaNamesIt()
    {
        var (stop, _) = await StopFromGreedyAnswerAsync();

        var raw = (await PostAsync(24, stop, stream: true)).Raw;

        var delta = raw.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)
            .Single(e => e["type"]!.GetValue<string>() == "message_delta")["delta"]!;
        Assert.Equal(("stop_sequence", stop), (delta["stop_reason"]!.GetValue<string>(), delta["stop_sequence"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_RoutedAutoWithAnthropicSdk_AnswersFromTheChosenLocalModel()
    {
        var client = new AnthropicClient
        {
            BaseUrl = fixture.Gateway.BaseAddress.ToString().TrimEnd('/'),
            ApiKey = GatewayTestHost.DevelopmentKey,
            MaxRetries = 0,
            Timeout = TimeSpan.FromMinutes(2),
        };

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "auto",
            MaxTokens = 6,
            Messages = [new UserMessageParam { Content = Prompt }],
        });

        Assert.Equal("tiny", message.Model.Raw());
        Assert.InRange(message.Usage.OutputTokens, 1, 6);
        Assert.True(message.Usage.InputTokens > 0);
    }
}
