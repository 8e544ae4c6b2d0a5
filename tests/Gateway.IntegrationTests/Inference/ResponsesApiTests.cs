using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses API client is marked experimental in the SDK.

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// OpenAI's Responses API through the gateway's front door, answered by a real ModelServer (LLamaSharp on the tiny
/// GGUF): the official SDK's <see cref="ResponsesClient"/>, and raw HTTP where the exact events matter.
/// </summary>
public sealed class ResponsesApiTests(GatewayLocalModelFixture fixture) : IClassFixture<GatewayLocalModelFixture>
{
    private ResponsesClient Client => fixture.Gateway.CreateOpenAIClient().GetResponsesClient();

    [Fact]
    public async Task CreateResponse_OpenAISdk_TextUsageAndStatus()
    {
        var options = new CreateResponseOptions
        {
            Model = "tiny",
            Instructions = "Answer briefly.",
            InputItems = { ResponseItem.CreateUserMessageItem("Tell me about the sea") },
            MaxOutputTokenCount = 8,
        };

        ResponseResult response = await Client.CreateResponseAsync(options);

        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal("tiny", response.Model);
        Assert.NotEmpty(response.GetOutputText());
        Assert.InRange(response.Usage.OutputTokenCount, 1, 8);
        Assert.True(response.Usage.InputTokenCount > 5);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal(response.Usage.OutputTokenCount == 8 ? ResponseStatus.Incomplete : ResponseStatus.Completed, response.Status);
    }

    [Fact]
    public async Task CreateResponse_MaxOutputTokensReached_IsIncompleteWithThatReason()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/responses", new
        {
            model = "tiny",
            input = "Once upon a time",
            max_output_tokens = 6,
            seed = 3,
            logit_bias = Chat.NoEnd,
        });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("incomplete", json.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", json.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(6, json.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var item = Assert.Single(json.GetProperty("output").EnumerateArray());
        Assert.Equal(("message", "assistant"), (item.GetProperty("type").GetString(), item.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task CreateResponse_IncludeLogprobs_OneEntryPerOutputTokenStreamedOrNot()
    {
        object Body(bool stream) => new
        {
            model = "tiny",
            input = "Once upon a time",
            max_output_tokens = 6,
            seed = 4,
            logit_bias = Chat.NoEnd,
            include = new[] { "message.output_text.logprobs" },
            top_logprobs = 2,
            stream,
        };

        using var whole = await fixture.Http.PostAsJsonAsync("/v1/responses", Body(false));
        var json = await whole.Content.ReadFromJsonAsync<JsonElement>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = JsonContent.Create(Body(true)) };
        using var streamed = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var deltas = new List<JsonElement>();
        JsonElement? done = null;
        await foreach (var e in Chat.ReadEventsAsync(streamed))
        {
            switch (e.GetProperty("type").GetString())
            {
                case "response.output_text.delta":
                    deltas.AddRange(e.GetProperty("logprobs").EnumerateArray());
                    break;
                case "response.completed" or "response.incomplete":
                    done = e.GetProperty("response");
                    break;
            }
        }

        Assert.True(whole.StatusCode == HttpStatusCode.OK, json.ToString());
        var tokens = json.GetProperty("output")[0].GetProperty("content")[0].GetProperty("logprobs").EnumerateArray().ToList();
        Assert.Equal(6, tokens.Count);
        Assert.All(tokens, t => Assert.Equal(2, t.GetProperty("top_logprobs").GetArrayLength()));
        Assert.All(tokens, t => Assert.True(t.GetProperty("logprob").GetDouble() <= 0));
        Assert.Equal(6, deltas.Count);
        Assert.Equal(tokens.Select(t => t.GetProperty("token").GetString()), deltas.Select(t => t.GetProperty("token").GetString()));
        Assert.Equal(6, done!.Value.GetProperty("output")[0].GetProperty("content")[0].GetProperty("logprobs").GetArrayLength());
    }

    [Fact]
    public async Task CreateResponseStreaming_OpenAISdk_DeltasJoinToTheFinalText()
    {
        var options = new CreateResponseOptions
        {
            Model = "tiny",
            InputItems = { ResponseItem.CreateUserMessageItem("Tell me a story") },
            MaxOutputTokenCount = 16,
            StreamingEnabled = true,
        };

        var text = new StringBuilder();
        var sequence = new List<int>();
        ResponseResult? final = null;
        var created = false;
        await foreach (var update in await Client.CreateResponseStreamingAsync(options))
        {
            sequence.Add(update.SequenceNumber);
            switch (update)
            {
                case StreamingResponseCreatedUpdate:
                    created = true;
                    break;
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate completed:
                    final = completed.Response;
                    break;
                case StreamingResponseIncompleteUpdate incomplete:
                    final = incomplete.Response;
                    break;
            }
        }

        Assert.True(created);
        Assert.NotNull(final);
        Assert.NotEmpty(text.ToString());
        Assert.Equal(text.ToString(), final.GetOutputText());
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        Assert.Equal("tiny", final.Model);
        Assert.True(final.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task CreateResponse_RequiredFunctionTool_ReturnsAFunctionCallAndTakesItsOutputBack()
    {
        var options = new CreateResponseOptions
        {
            Model = "tiny",
            InputItems = { ResponseItem.CreateUserMessageItem("What is the weather in Paris?") },
            Tools = { ResponseTool.CreateFunctionTool("get_weather", Chat.WeatherParameters, strictModeEnabled: false, "Current weather for a city") },
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
            MaxOutputTokenCount = 120,
        };

        ResponseResult first = await Client.CreateResponseAsync(options);

        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.CallId));
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);
        Assert.Contains(arguments.RootElement.GetProperty("unit").GetString(), new[] { "c", "f" });

        // The next turn sends the call and its output back, as a client without stored state does.
        CreateResponseOptions Turn(params ResponseItem[] items)
        {
            var turn = new CreateResponseOptions
            {
                Model = "tiny",
                Tools = { ResponseTool.CreateFunctionTool("get_weather", Chat.WeatherParameters, strictModeEnabled: false) },
                ToolChoice = ResponseToolChoice.CreateNoneChoice(),
                MaxOutputTokenCount = 8,
            };
            foreach (var item in items)
            {
                turn.InputItems.Add(item);
            }
            return turn;
        }
        ResponseResult second = await Client.CreateResponseAsync(Turn(
            ResponseItem.CreateUserMessageItem("What is the weather in Paris?"),
            ResponseItem.CreateFunctionCallItem(call.CallId, call.FunctionName, call.FunctionArguments),
            ResponseItem.CreateFunctionCallOutputItem(call.CallId, "18 degrees and sunny")));
        ResponseResult without = await Client.CreateResponseAsync(Turn(ResponseItem.CreateUserMessageItem("What is the weather in Paris?")));

        Assert.Empty(second.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.NotEmpty(second.GetOutputText());
        Assert.True(second.Usage.InputTokenCount > without.Usage.InputTokenCount + 10, "the call and its output were not sent to the model");
    }

    [Fact]
    public async Task CreateResponseStreaming_FunctionCall_StreamsArgumentsThatJoinToTheDoneEvent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = JsonContent.Create(new
            {
                model = "tiny",
                input = "What is the weather in Paris?",
                tools = new[] { new { type = "function", name = "get_weather", parameters = JsonDocument.Parse(Chat.WeatherParameters.ToString()).RootElement } },
                tool_choice = new { type = "function", name = "get_weather" },
                max_output_tokens = 120,
                stream = true,
                seed = 5,
            }),
        };
        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var events = new List<(string Event, JsonElement Data)>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
        {
            string? name = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                    Assert.Equal(name, data.GetProperty("type").GetString());
                    events.Add((name!, data));
                }
            }
        }

        var types = events.Select(e => e.Event).ToList();
        Assert.Equal("response.created", types[0]);
        Assert.Equal("response.completed", types[^1]);
        var added = events.Single(e => e.Event == "response.output_item.added").Data.GetProperty("item");
        Assert.Equal(("function_call", "get_weather"), (added.GetProperty("type").GetString(), added.GetProperty("name").GetString()));
        var deltas = string.Concat(events.Where(e => e.Event == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        var done = events.Single(e => e.Event == "response.function_call_arguments.done").Data;
        Assert.Equal(deltas, done.GetProperty("arguments").GetString());
        Assert.Equal("get_weather", done.GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(deltas);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);
        var final = events[^1].Data.GetProperty("response");
        var item = Assert.Single(final.GetProperty("output").EnumerateArray());
        Assert.Equal(deltas, item.GetProperty("arguments").GetString());
        Assert.Equal(added.GetProperty("call_id").GetString(), item.GetProperty("call_id").GetString());
    }

    [Fact]
    public async Task CreateResponse_JsonSchemaTextFormat_OutputParsesWithTheRequiredFields()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/responses", new
        {
            model = "tiny",
            input = "Describe a city.",
            max_output_tokens = 120,
            text = new
            {
                format = new
                {
                    type = "json_schema",
                    name = "city",
                    strict = true,
                    schema = new
                    {
                        type = "object",
                        properties = new { name = new { type = "string" }, population = new { type = "integer" } },
                        required = new[] { "name", "population" },
                        additionalProperties = false,
                    },
                },
            },
        });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        var text = json.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;
        using var parsed = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.String, parsed.RootElement.GetProperty("name").ValueKind);
        Assert.True(parsed.RootElement.GetProperty("population").TryGetInt64(out _));
        Assert.Equal("json_schema", json.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"tiny","input":"hi","previous_response_id":"resp_1"}""", HttpStatusCode.BadRequest, "previous_response_id")]
    [InlineData("""{"model":"tiny","input":"hi","tools":[{"type":"web_search"}]}""", HttpStatusCode.BadRequest, "tools[0]")]
    [InlineData("""{"model":"tiny","input":[{"type":"item_reference","id":"msg_1"}]}""", HttpStatusCode.BadRequest, "input[0].type")]
    [InlineData("""{"model":"tiny","input":[{"role":"robot","content":"hi"}]}""", HttpStatusCode.BadRequest, "input[0].role")]
    [InlineData("""{"model":"tiny","input":5}""", HttpStatusCode.BadRequest, "input")]
    [InlineData("""{"model":"tiny"}""", HttpStatusCode.BadRequest, "input")]
    [InlineData("""{"input":"hi"}""", HttpStatusCode.BadRequest, "model")]
    [InlineData("""{"model":"tiny","input":"hi","text":{"format":{"type":"yaml"}}}""", HttpStatusCode.BadRequest, "text.format")]
    [InlineData("""{"model":"tiny","input":"hi","max_output_tokens":"many"}""", HttpStatusCode.BadRequest, "max_output_tokens")]
    [InlineData("""{"model":"tiny","input":"hi","max_output_tokens":0}""", HttpStatusCode.BadRequest, "max_output_tokens")]
    [InlineData("""{"model":"tiny","input":"hi","instructions":[{"role":"system","content":"x"}]}""", HttpStatusCode.BadRequest, "instructions")]
    [InlineData("""{"model":"no-such-model","input":"hi"}""", HttpStatusCode.NotFound, "model")]
    public async Task CreateResponse_BadRequest_OpenAIErrorNamingTheParameter(string body, HttpStatusCode status, string param)
    {
        using var response = await fixture.Http.PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateResponse_WithoutAKeyOrWithBrokenJson_401And400_AndNothingIsStored()
    {
        using var anonymous = fixture.Gateway.CreateClient(apiKey: null);
        using var unauthorised = await anonymous.PostAsJsonAsync("/v1/responses", new { model = "tiny", input = "hi" });
        using var broken = await fixture.Http.PostAsync("/v1/responses", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));
        using var stored = await fixture.Http.GetAsync("/v1/responses/resp_123");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("invalid_json", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
