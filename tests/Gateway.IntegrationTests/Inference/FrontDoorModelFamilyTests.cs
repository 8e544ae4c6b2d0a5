using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Real families' templates through the front door: the official OpenAI SDK against the real gateway, each model a
/// tiny GGUF carrying a real template and the family's tokens (<see cref="ModelFamilyFixture"/>). Random weights
/// write noise, so every structure asserted here comes from the template, the grammar or the output parser.
/// </summary>
public sealed class FrontDoorModelFamilyTests(ModelFamilyFixture fixture) : IClassFixture<ModelFamilyFixture>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather", "Weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private static readonly ChatTool Time = ChatTool.CreateFunctionTool(
        "get_time", "The time in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    /// <summary>How each family's template writes back an assistant call to get_weather (the opening, up to the city's value).</summary>
    public static TheoryData<string, string> CallRenderings() => new()
    {
        { "llama31", "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": " },
        { "qwen25", "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": " },
        { "mistral", "[/INST][TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": " },
    };

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the model server honours it.
    private static ChatCompletionOptions Options(ChatToolChoice choice, long seed) => new()
    {
        Tools = { Weather, Time },
        ToolChoice = choice,
        MaxOutputTokenCount = 300,
        Seed = seed,
    };
#pragma warning restore OPENAI001

    [Theory]
    [MemberData(nameof(CallRenderings))]
    public async Task CompleteChat_ToolChoiceRequired_ReturnsToolCallWithJsonArgumentsInTheFamilysFormat(string model, string rendering)
    {
        var client = fixture.Gateway.CreateOpenAIClient().GetChatClient(model);
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion completion = await client.CompleteChatAsync(messages, Options(ChatToolChoice.CreateRequiredChoice(), 3));

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Contains(call.FunctionName, new[] { "get_weather", "get_time" });
        using var args = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal(JsonValueKind.String, args.RootElement.GetProperty("city").ValueKind);
        // The call goes back into the conversation and the model's own template writes it in the family's format:
        // the format the grammar made the model produce, since the parser read it back into this call.
        var prompt = await fixture.ApplyTemplateAsync(model, RoundTrip(call.Id, call.FunctionName, call.FunctionArguments.ToString()));
        Assert.Contains(rendering.Replace("get_weather", call.FunctionName, StringComparison.Ordinal), prompt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama31")]
    [InlineData("qwen25")]
    [InlineData("mistral")]
    public async Task CompleteChat_NamedTool_CallsThatTool(string model)
    {
        var client = fixture.Gateway.CreateOpenAIClient().GetChatClient(model);

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What time is it in Oslo?")], Options(ChatToolChoice.CreateFunctionChoice("get_time"), 8));

        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_time", call.FunctionName);
        using var args = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal(JsonValueKind.Object, args.RootElement.ValueKind);
    }

    /// <summary>The expected prompts are what @huggingface/jinja renders from the same template and conversation.</summary>
    [Theory]
    [MemberData(nameof(ToolResultRenderings))]
    public async Task ApplyTemplate_ToolResultRoundTrip_RendersAsTheTemplateSays(string model, string callId, string expected)
    {
        var prompt = await fixture.ApplyTemplateAsync(model, RoundTrip(callId, "get_weather", """{"city":"Paris"}"""));

        Assert.Equal(expected, prompt);
    }

    [Fact]
    public async Task CompleteChat_ReasoningTemplate_ThinkingComesBackAsReasoningContent()
    {
        var client = fixture.Gateway.CreateOpenAIClient().GetChatClient("qwq");
        // The SDK's protocol method: the typed options have no chat_template_kwargs, and the typed result no reasoning_content.
        var body = BinaryContent.Create(BinaryData.FromObjectAsJson(new
        {
            model = "qwq",
            messages = new[] { new { role = "user", content = "Why is the sky blue?" } },
            max_tokens = 24,
            seed = 5,
            chat_template_kwargs = new { enable_thinking = true },
        }));

        ClientResult result = await client.CompleteChatAsync(body);
        using var json = JsonDocument.Parse(result.GetRawResponse().Content.ToString());
        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        var prompt = await fixture.ApplyTemplateAsync("qwq", new { messages = new[] { new { role = "user", content = "Why is the sky blue?" } }, chat_template_kwargs = new { enable_thinking = true } });

        // The template's generation prompt opened <think>; the weights never close it, so every token is reasoning.
        Assert.EndsWith("<|im_start|>assistant\n<think>\n", prompt, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(message.GetProperty("reasoning_content").GetString()));
        Assert.True(message.GetProperty("content").ValueKind == JsonValueKind.Null || message.GetProperty("content").GetString() == "");
        Assert.Equal("length", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task CompleteChatStreaming_ReasoningTemplate_StreamsReasoningDeltasThatJoinToTheWholeReasoning()
    {
        var request = new
        {
            model = "qwq",
            messages = new[] { new { role = "user", content = "Why is the sky blue?" } },
            max_tokens = 24,
            seed = 5,
            chat_template_kwargs = new { enable_thinking = true },
        };
        using var whole = await fixture.Http.PostAsync("/v1/chat/completions", JsonContent(request));
        using var wholeJson = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());

        using var stream = await Chat.OpenStreamAsync(fixture.Http, fixture.Gateway.ApiBase.AppendSlash(), new { request.model, request.messages, request.max_tokens, request.seed, request.chat_template_kwargs, stream = true });
        var reasoning = new StringBuilder();
        var deltas = 0;
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            var choices = e.GetProperty("choices");
            if (choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("reasoning_content", out var r) && r.ValueKind == JsonValueKind.String)
            {
                reasoning.Append(r.GetString());
                deltas++;
            }
        }

        Assert.True(deltas > 1, $"{deltas} reasoning deltas");
        Assert.Equal(wholeJson.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("reasoning_content").GetString(), reasoning.ToString());
    }

    public static TheoryData<string, string, string> ToolResultRenderings() => new()
    {
        {
            "llama31", "call_abc123",
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 15 Jan 2026\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n" +
            "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n" +
            "{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"get_weather\",\n        \"description\": \"Weather for a city\",\n        \"parameters\": {\n            \"type\": \"object\",\n" +
            "            \"properties\": {\n                \"city\": {\n                    \"type\": \"string\"\n                }\n            },\n            \"required\": [\n                \"city\"\n            ]\n        }\n    }\n}\n\n" +
            "Weather in Paris?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>" +
            "<|start_header_id|>ipython<|end_header_id|>\n\n\"{\\\"temperature\\\": 18}\"<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        },
        {
            "qwen25", "call_abc123",
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
            "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n\n" +
            "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n{\"temperature\": 18}\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
        },
        {
            // Mistral's template requires nine-character alphanumeric call ids.
            "mistral", "abc123XYZ",
            "<s>[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}][/AVAILABLE_TOOLS]" +
            "[INST]Weather in Paris?[/INST][TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abc123XYZ\"}]</s>" +
            "[TOOL_RESULTS]{\"content\": {\"temperature\": 18}, \"call_id\": \"abc123XYZ\"}[/TOOL_RESULTS]"
        },
    };

    /// <summary>A user question, the assistant's call, and the tool's result, with get_weather offered; Llama 3.1's date pinned.</summary>
    private static object RoundTrip(string callId, string name, string arguments) => new
    {
        messages = new object[]
        {
            new { role = "user", content = "Weather in Paris?" },
            new { role = "assistant", content = "", tool_calls = new[] { new { id = callId, type = "function", function = new { name, arguments } } } },
            new { role = "tool", tool_call_id = callId, content = "{\"temperature\": 18}" },
        },
        tools = new[] { new { type = "function", function = new { name = "get_weather", description = "Weather for a city", parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement } } },
        chat_template_kwargs = new { date_string = "15 Jan 2026" },
    };

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
